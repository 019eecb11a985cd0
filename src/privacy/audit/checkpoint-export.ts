import type { KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import { storedCheckpoints } from './audit-log-reader.js';
import type { AuditSealTables } from './audit-seal-migration.js';
import { checkpointFromJson, checkpointToJson, type Checkpoint } from './checkpoint.js';
import { parsePublicKeyPem, publicKeyId } from './signing-key-format.js';

/** The first line of an export: the key every checkpoint after it is signed with. */
export interface PublicKeyJson {
  readonly type: 'public-key';
  readonly algorithm: 'Ed25519';
  readonly keyId: string;
  /** PEM (SPKI), usable by `openssl pkeyutl -verify -pubin`. */
  readonly publicKey: string;
}

/** The public-key line of an export. */
export function publicKeyToJson(publicKey: KeyObject): PublicKeyJson {
  return {
    type: 'public-key',
    algorithm: 'Ed25519',
    keyId: publicKeyId(publicKey),
    publicKey: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/**
 * The export as JSON lines: the public key, then every checkpoint of at least
 * `fromTreeSize` entries in tree-size order, read in batches so the export of a long
 * log never sits in memory whole.
 */
export async function* exportCheckpoints(
  db: Kysely<AuditSealTables>,
  publicKey: KeyObject,
  fromTreeSize = 0,
): AsyncGenerator<string> {
  yield JSON.stringify(publicKeyToJson(publicKey));
  for await (const batch of storedCheckpoints(db, fromTreeSize - 1)) {
    for (const checkpoint of batch) yield JSON.stringify(checkpointToJson(checkpoint));
  }
}

/** An export read back: its public key (if it had one) and its checkpoints. */
export interface CheckpointExport {
  readonly publicKey: KeyObject | undefined;
  readonly checkpoints: readonly Checkpoint[];
}

/**
 * Reads an export (JSON lines, blank lines ignored). Throws an Error naming the first
 * line that is neither a public key nor a checkpoint. Signatures are checked by the
 * verifier, against the key it is given.
 */
export function parseCheckpointExport(text: string): CheckpointExport {
  let publicKey: KeyObject | undefined;
  const checkpoints: Checkpoint[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`line ${index + 1} is not JSON`);
    }
    const record = value as { type?: unknown; publicKey?: unknown };
    if (record.type === 'public-key' && typeof record.publicKey === 'string') {
      const key = parsePublicKeyPem(record.publicKey);
      if (key === undefined) throw new Error(`line ${index + 1} is not an Ed25519 public key`);
      publicKey ??= key;
      continue;
    }
    const checkpoint = checkpointFromJson(value);
    if (checkpoint === undefined) throw new Error(`line ${index + 1} is not a checkpoint`);
    checkpoints.push(checkpoint);
  }
  return { publicKey, checkpoints };
}
