import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../platform/errors/index.js';
import type { Clock } from '../../platform/clock.js';
import { gcmOpen, gcmSeal } from './aes-gcm.js';
import type { KekProvider, KekVersionInfo, RotationState } from './kek-provider.js';
import { keysErrors } from './keys-errors.js';
import { startRewrapWorker, type Rewrapper } from './rewrap-worker.js';
import { parseKeyringFile, serializeKeyring, type KeyringState } from './keyring-format.js';

/**
 * The default KEK provider: a keyring file (mode 0600, outside the database) holding
 * versioned KEKs and the blind-index root key. Created on first start; refused when
 * group or others can read it; rewritten atomically so a crash never truncates it.
 */
export class LocalKeyring implements KekProvider {
  readonly description: string;
  #state: KeyringState;
  #mtimeMs: number;
  #checkedAt = 0;
  readonly #indexKeys = new Map<string, Buffer>();

  private constructor(
    private readonly path: string,
    private readonly clock: Clock,
    state: KeyringState,
  ) {
    this.description = `keyring file ${path}`;
    this.#state = state;
    this.#mtimeMs = statSync(path).mtimeMs;
  }

  /** Opens the keyring at `path`, creating it when absent. */
  static open(path: string, clock: Clock): LocalKeyring {
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
      const state: KeyringState = {
        current: 1,
        keks: [{ version: 1, key: randomBytes(32), createdAt: clock.now().toISOString() }],
        blindIndexRoot: randomBytes(32),
        rotation: undefined,
      };
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeAtomically(path, serializeKeyring(state));
      return new LocalKeyring(path, clock, state);
    }
    if ((stat.mode & 0o077) !== 0) {
      throw new AppError(keysErrors.KEYRING_INSECURE, {
        message: `Keyring ${path} can be read by group or others (mode ${(stat.mode & 0o777).toString(8)}); run chmod 600 on it`,
      });
    }
    return new LocalKeyring(path, clock, readKeyring(path));
  }

  currentVersion(): number {
    this.#reloadIfChanged();
    return this.#state.current;
  }

  versions(): readonly KekVersionInfo[] {
    this.#reloadIfChanged();
    return this.#state.keks.map((kek) => ({
      version: kek.version,
      createdAt: kek.createdAt,
      current: kek.version === this.#state.current,
    }));
  }

  async wrap(dataKey: Buffer, aad: Buffer): Promise<{ version: number; wrapped: Buffer }> {
    this.#reloadIfChanged();
    const version = this.#state.current;
    return Promise.resolve({ version, wrapped: gcmSeal(this.#kek(version), dataKey, aad) });
  }

  async unwrap(version: number, wrapped: Buffer, aad: Buffer): Promise<Buffer> {
    // Another process (`custodia keys rotate`) may have added a version since we loaded.
    if (!this.#state.keks.some((kek) => kek.version === version)) this.#reload();
    const dataKey = gcmOpen(this.#kek(version), wrapped, aad);
    if (dataKey === undefined) throw new AppError(keysErrors.DATA_KEY_INVALID);
    return Promise.resolve(dataKey);
  }

  rotation(): RotationState | undefined {
    this.#reloadIfChanged();
    return this.#state.rotation;
  }

  async beginRotation(): Promise<RotationState> {
    this.#reload();
    if (this.#state.rotation !== undefined) return this.#state.rotation;
    const version = Math.max(...this.#state.keks.map((kek) => kek.version)) + 1;
    const now = this.clock.now().toISOString();
    const rotation = { target: version, startedAt: now };
    this.#persist({
      ...this.#state,
      current: version,
      keks: [...this.#state.keks, { version, key: randomBytes(32), createdAt: now }],
      rotation,
    });
    return Promise.resolve(rotation);
  }

  async completeRotation(): Promise<void> {
    this.#reload();
    this.#persist({ ...this.#state, rotation: undefined });
    return Promise.resolve();
  }

  async retire(version: number): Promise<void> {
    this.#reload();
    if (version === this.#state.current) {
      throw new AppError(keysErrors.KEK_RETIRE_REFUSED, {
        message: `KEK version ${version} is the current one`,
      });
    }
    if (!this.#state.keks.some((kek) => kek.version === version)) {
      throw new AppError(keysErrors.KEK_UNAVAILABLE, {
        message: `This keyring has no KEK version ${version}`,
      });
    }
    this.#persist({
      ...this.#state,
      keks: this.#state.keks.filter((kek) => kek.version !== version),
    });
    return Promise.resolve();
  }

  blindIndexKey(field: string): Buffer {
    let key = this.#indexKeys.get(field);
    if (key === undefined) {
      key = Buffer.from(
        hkdfSync(
          'sha256',
          this.#state.blindIndexRoot,
          Buffer.alloc(0),
          `custodia/blind-index/v1/${field}`,
          32,
        ),
      );
      this.#indexKeys.set(field, key);
    }
    return key;
  }

  rewrapper(target: number): Rewrapper {
    this.#reload();
    this.#kek(target);
    return startRewrapWorker(
      new Map(this.#state.keks.map((kek) => [kek.version, kek.key])),
      target,
    );
  }

  /** A fingerprint of the blind-index root, so two instances can check they share a keyring. */
  fingerprint(): string {
    return createHash('sha256').update(this.#state.blindIndexRoot).digest('hex').slice(0, 16);
  }

  #kek(version: number): Buffer {
    const kek = this.#state.keks.find((candidate) => candidate.version === version);
    if (kek === undefined) {
      throw new AppError(keysErrors.KEK_UNAVAILABLE, {
        message: `This keyring has no KEK version ${version}`,
      });
    }
    return kek.key;
  }

  #persist(state: KeyringState): void {
    writeAtomically(this.path, serializeKeyring(state));
    this.#state = state;
    this.#mtimeMs = statSync(this.path).mtimeMs;
  }

  #reload(): void {
    this.#state = readKeyring(this.path);
    this.#mtimeMs = statSync(this.path).mtimeMs;
  }

  // Another process (`custodia keys rotate`) may rewrite the file; look at most once a
  // second, so that a batch of wraps does not stat the file each time.
  #reloadIfChanged(): void {
    const now = Date.now();
    if (now - this.#checkedAt < 1000) return;
    this.#checkedAt = now;
    if (statSync(this.path).mtimeMs !== this.#mtimeMs) this.#reload();
  }
}

function readKeyring(path: string): KeyringState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new AppError(keysErrors.KEYRING_CORRUPT, { message: `Keyring ${path} cannot be read` });
  }
  const state = parseKeyringFile(text);
  if (state === undefined) {
    throw new AppError(keysErrors.KEYRING_CORRUPT, {
      message: `Keyring ${path} is truncated, altered or not a Custodia keyring`,
    });
  }
  return state;
}

/** Writes via a temporary file, fsync and rename, so readers see the old or the new file, whole. */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  const fd = openSync(temporary, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
