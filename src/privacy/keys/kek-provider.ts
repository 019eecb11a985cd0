import type { Rewrapper } from './rewrap-worker.js';

/** A key-encryption key version as a provider reports it (never the key itself). */
export interface KekVersionInfo {
  readonly version: number;
  readonly createdAt: string;
  readonly current: boolean;
}

/** An unfinished rotation, recorded so that running `keys rotate` again resumes it. */
export interface RotationState {
  readonly target: number;
  readonly startedAt: string;
}

/**
 * Where key-encryption keys live: the local keyring file by default, an HSM or a KMS in
 * production. Data keys are wrapped and unwrapped here and never leave unwrapped
 * except into the bounded in-memory cache.
 */
export interface KekProvider {
  /** A description for status output: kind and location, no secrets. */
  readonly description: string;
  currentVersion(): number;
  versions(): readonly KekVersionInfo[];
  /** Wraps a data key under the current KEK; `aad` binds it to its subject. */
  wrap(dataKey: Buffer, aad: Buffer): Promise<{ version: number; wrapped: Buffer }>;
  /** Unwraps with the named KEK version; throws DATA_KEY_INVALID or KEK_UNAVAILABLE. */
  unwrap(version: number, wrapped: Buffer, aad: Buffer): Promise<Buffer>;
  /** Creates a new KEK version, makes it current and records the rotation as started. */
  beginRotation(): Promise<RotationState>;
  /** The rotation in progress, if any. */
  rotation(): RotationState | undefined;
  /** Marks the rotation finished. */
  completeRotation(): Promise<void>;
  /** Destroys an old KEK version; the caller has proved nothing refers to it. */
  retire(version: number): Promise<void>;
  /** The key for blind indexes of one field, derived so that fields never share a key. */
  blindIndexKey(field: string): Buffer;
  /**
   * A fast path for rotation: rewraps batches under `target` off the main thread. When a
   * provider has none, rotation unwraps and wraps key by key.
   */
  rewrapper?(target: number): Rewrapper;
}
