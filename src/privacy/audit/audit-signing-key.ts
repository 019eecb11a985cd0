import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors/index.js';
import { auditErrors } from './audit-errors.js';
import type { AuditSealTables } from './audit-seal-migration.js';
import {
  parseSigningKeyFile,
  publicKeyId,
  serializeSigningKey,
  type SigningKeyState,
} from './signing-key-format.js';

/** The signing key file lives beside the keyring: kept, backed up and protected like it. */
export function auditSigningKeyPath(keyringPath: string): string {
  return `${keyringPath}.audit-signing.json`;
}

/**
 * The Ed25519 key that signs audit checkpoints. Its file is mode 0600, refused when group
 * or others can read it, and created whole or not at all. The private key never leaves
 * this object; the public key is for verifiers, and can be exported as PEM.
 */
export class AuditSigningKey {
  readonly keyId: string;
  readonly publicKey: KeyObject;
  readonly createdAt: string;
  readonly #privateKey: KeyObject;

  private constructor(state: SigningKeyState) {
    this.keyId = state.keyId;
    this.publicKey = state.publicKey;
    this.createdAt = state.createdAt;
    this.#privateKey = state.privateKey;
  }

  /** Opens the key file at `path`; undefined when there is none. */
  static open(path: string): AuditSigningKey | undefined {
    let mode: number;
    try {
      mode = statSync(path).mode;
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
    if ((mode & 0o077) !== 0) {
      throw new AppError(auditErrors.AUDIT_SIGNING_KEY_INSECURE, {
        message: `Audit signing key ${path} can be read by group or others (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it`,
      });
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw corrupt(path);
    }
    const state = parseSigningKeyFile(text);
    if (state === undefined) throw corrupt(path);
    return new AuditSigningKey(state);
  }

  /**
   * Opens the key file, creating a new key pair when there is none. Two processes that
   * create at once both end up with the file the first one linked into place.
   */
  static openOrCreate(path: string, clock: Clock): AuditSigningKey {
    const existing = AuditSigningKey.open(path);
    if (existing !== undefined) return existing;
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const state: SigningKeyState = {
      keyId: publicKeyId(publicKey),
      privateKey,
      publicKey,
      createdAt: clock.now().toISOString(),
    };
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    createExclusively(path, serializeSigningKey(state));
    return AuditSigningKey.open(path) ?? new AuditSigningKey(state);
  }

  /** Ed25519 signature of `message`. */
  sign(message: Buffer): Buffer {
    return sign(null, message, this.#privateKey);
  }

  /** The public key as PEM (SPKI), the form `openssl` and export files use. */
  publicKeyPem(): string {
    return this.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  }
}

/**
 * Opens the signing key for a database, creating it only while no checkpoint exists: a
 * new key over old checkpoints would leave them unverifiable, so a lost key file is
 * reported, to be restored from its backup.
 */
export async function openAuditSigningKey(
  db: Kysely<AuditSealTables>,
  path: string,
  clock: Clock,
): Promise<AuditSigningKey> {
  const existing = AuditSigningKey.open(path);
  if (existing !== undefined) return existing;
  const signed = await db
    .selectFrom('audit_checkpoints')
    .select('key_id')
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (signed !== undefined) {
    throw new AppError(auditErrors.AUDIT_SIGNING_KEY_MISSING, {
      message: `Audit signing key ${path} is missing but the database holds checkpoints signed by key ${signed.key_id}; restore the file from its backup`,
    });
  }
  return AuditSigningKey.openOrCreate(path, clock);
}

function corrupt(path: string): AppError {
  return new AppError(auditErrors.AUDIT_SIGNING_KEY_CORRUPT, {
    message: `Audit signing key ${path} is truncated, altered or not a Custodia signing key`,
  });
}

/**
 * Writes a temporary file, fsyncs it and hard-links it into place: the link fails when
 * the file already exists, so an existing key is never replaced, and readers see no file
 * or a whole one.
 */
function createExclusively(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  // A stale temporary file of a crashed process with this pid would keep its old mode.
  rmSync(temporary, { force: true });
  writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
  try {
    const fd = openSync(temporary, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temporary, path);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
  } finally {
    rmSync(temporary, { force: true });
  }
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
