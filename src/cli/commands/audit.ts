import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { Kysely } from 'kysely';
import type { Config } from '../../app/config.js';
import { openMigratedDatabase } from '../../app/server.js';
import { StartupError } from '../../app/startup-error.js';
import { tablesOf } from '../../platform/db/index.js';
import { isAppError } from '../../platform/errors/index.js';
import {
  AuditSigningKey,
  auditSigningKeyPath,
  buildConsistencyProof,
  buildInclusionProof,
  exportCheckpoints,
  latestCheckpoint,
  parseCheckpointExport,
  parsePublicKeyPem,
  sealProgress,
  verifyAuditLog,
  verifyConsistencyProofDocument,
  verifyInclusionProofDocument,
  type AuditProblem,
  type AuditSealTables,
  type Checkpoint,
} from '../../privacy/audit/index.js';
import { configFrom, withConfigOption, type ConfigFlags } from '../config-options.js';
import { createProgress } from '../progress.js';

type AuditDb = Kysely<AuditSealTables>;

function wholeNumber(min: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < min) {
      throw new InvalidArgumentError(`must be a whole number of at least ${min}`);
    }
    return number;
  };
}

/** Runs `work` on the migrated database; typed errors become the CLI's one line. */
async function withAuditDb<T>(config: Config, work: (db: AuditDb) => Promise<T>): Promise<T> {
  const database = await openMigratedDatabase(config);
  try {
    return await work(tablesOf<AuditSealTables>(database.db));
  } catch (error) {
    if (isAppError(error)) throw new StartupError(error.message);
    throw error;
  } finally {
    await database.close();
  }
}

function readText(path: string, what: string): string {
  try {
    return path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new StartupError(`Cannot read the ${what} at ${path} (${code})`);
  }
}

function readPublicKey(path: string): KeyObject {
  const key = parsePublicKeyPem(readText(path, 'public key'));
  if (key === undefined) throw new StartupError(`${path} is not an Ed25519 public key (PEM)`);
  return key;
}

/** The signing key beside the keyring, if there is one; an unreadable key stops with one line. */
function openSigningKey(path: string): AuditSigningKey | undefined {
  try {
    return AuditSigningKey.open(path);
  } catch (error) {
    if (isAppError(error)) throw new StartupError(error.message);
    throw error;
  }
}

/** The signing key beside the keyring; a one-line failure when there is none yet. */
function signingKey(config: Config): AuditSigningKey {
  const path = auditSigningKeyPath(config.keyringPath);
  const key = openSigningKey(path);
  if (key === undefined) {
    throw new StartupError(
      `No audit signing key at ${path}: the server creates it when it first seals the log`,
    );
  }
  return key;
}

function describeProblem(problem: AuditProblem): string {
  return problem.kind === 'entry'
    ? `entry ${problem.seq}: ${problem.reason}`
    : `checkpoint of tree size ${problem.treeSize}: ${problem.reason}`;
}

interface VerifyFlags extends ConfigFlags {
  publicKey?: string;
  checkpoints?: string;
  batchSize: number;
  workers?: number;
  json?: boolean;
}

function verifyCommand(): Command {
  return withConfigOption(
    new Command('verify')
      .description(
        'recompute every sealed entry, the hash chain and each signed checkpoint; exit 0 when intact, 1 naming the first entry or checkpoint that does not match (seals nothing)',
      )
      .option('--public-key <file>', 'the signing public key (PEM) you kept elsewhere')
      .option(
        '--checkpoints <file>',
        'checkpoints exported earlier (custodia audit export-checkpoints): each must still match; their public key is used unless --public-key is given',
      )
      .option('--batch-size <n>', 'entries read per query', wholeNumber(1), 5000)
      .option(
        '--workers <n>',
        'reader threads beside the main one on SQLite (default: one per idle further core, at most 3, for 20,000 entries or more)',
        wholeNumber(0),
      )
      .option('--json', 'print the result as JSON instead of a progress bar and a sentence'),
  ).action(async (flags: VerifyFlags) => {
    const config = configFrom(flags);
    const exported =
      flags.checkpoints === undefined
        ? undefined
        : parseExport(readText(flags.checkpoints, 'checkpoint export'), flags.checkpoints);
    await withAuditDb(config, async (db) => {
      const key =
        (flags.publicKey === undefined ? undefined : readPublicKey(flags.publicKey)) ??
        exported?.publicKey ??
        (await keyOrNothingSealed(config, db));
      if (key === undefined) {
        if (flags.json === true) console.log(JSON.stringify({ ok: true, entries: 0 }));
        else console.log('Audit log: nothing has been sealed yet');
        return;
      }
      const started = process.hrtime.bigint();
      const progress = flags.json === true ? undefined : createProgress('verifying', 'entries');
      let begun = false;
      const result = await verifyAuditLog(db, key, {
        batchSize: flags.batchSize,
        ...(flags.workers === undefined ? {} : { workers: flags.workers }),
        trusted: exported?.checkpoints ?? [],
        onProgress: ({ done, total }) => {
          if (!begun) progress?.start(total);
          begun = true;
          progress?.update(done);
        },
      });
      progress?.stop();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (flags.json === true) {
        console.log(JSON.stringify(result));
        if (!result.ok) process.exitCode = 1;
        return;
      }
      if (!result.ok) {
        throw new StartupError(
          `audit log verification failed at ${describeProblem(result.problem)}`,
        );
      }
      const { pending } = await sealProgress(db);
      const rate = seconds > 0 ? Math.round(result.entries / seconds) : result.entries;
      console.log(
        `Audit log intact: ${result.entries} entries, ${result.checkpoints} signed checkpoint${result.checkpoints === 1 ? '' : 's'}; ` +
          `the latest covers ${result.coveredEntries} entries, ${result.entries - result.coveredEntries} await the next; ` +
          `${pending} events not sealed yet (${rate} entries/s)`,
      );
    });
  });
}

function parseExport(text: string, path: string) {
  try {
    return parseCheckpointExport(text);
  } catch (error) {
    throw new StartupError(`${path}: ${(error as Error).message}`);
  }
}

/** The local public key, or undefined when nothing was ever sealed (so there is nothing to check). */
async function keyOrNothingSealed(config: Config, db: AuditDb): Promise<KeyObject | undefined> {
  const path = auditSigningKeyPath(config.keyringPath);
  const key = openSigningKey(path);
  if (key !== undefined) return key.publicKey;
  const { sealed } = await sealProgress(db);
  if (sealed === 0 && (await latestCheckpoint(db)) === undefined) return undefined;
  throw new StartupError(`No audit signing key at ${path}: pass --public-key`);
}

/** Which entry `audit proof` is asked about: its place in the log, or its event id. */
type EntryRef = { readonly by: 'seq' | 'id'; readonly value: number; readonly named: boolean };

/**
 * Reads the entry argument by its shape: `42` or `seq:42` is a seq, `id:1234` an event id.
 * Both are whole numbers in the log, so an event id needs its prefix (or `--id`).
 */
function entryRef(value: string): EntryRef {
  const match = /^(?:(seq|id):)?(\d+)$/.exec(value);
  const number = Number(match?.[2]);
  if (match === null || !Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError(
      'must be a seq (42 or seq:42) or an event id (id:1234), a whole number of at least 1',
    );
  }
  return { by: match[1] === 'id' ? 'id' : 'seq', value: number, named: match[1] !== undefined };
}

/** The seq of the entry the argument names; a one-line failure when there is none. */
async function seqOf(db: AuditDb, ref: EntryRef): Promise<number> {
  if (ref.by === 'seq') return ref.value;
  const row = await db
    .selectFrom('audit_events')
    .select('seq')
    .where('id', '=', ref.value)
    .executeTakeFirst();
  if (row === undefined) throw new StartupError(`No audit event has id ${ref.value}`);
  if (row.seq === null) throw new StartupError(`Audit event ${ref.value} is not sealed yet`);
  return Number(row.seq);
}

function proofCommand(): Command {
  return withConfigOption(
    new Command('proof')
      .description(
        'print, as JSON, the inclusion proof of one entry against the latest signed checkpoint, with the checkpoint and public key, for checking offline',
      )
      .argument(
        '<entry>',
        'the entry: its seq (42, or seq:42: its place in the sealed log) or its event id (id:1234)',
        entryRef,
      )
      .option('--id', 'read a plain number as the event id rather than the seq'),
  ).action(async (ref: EntryRef, flags: ConfigFlags & { id?: boolean }) => {
    const config = configFrom(flags);
    const key = signingKey(config);
    await withAuditDb(config, async (db) => {
      if (flags.id === true && ref.by === 'seq' && ref.named) {
        throw new StartupError(
          '--id reads a plain number as an event id; drop it or the seq: prefix',
        );
      }
      const seq = await seqOf(db, flags.id === true ? { ...ref, by: 'id' } : ref);
      const proof = await buildInclusionProof(db, seq, key.publicKeyPem());
      const check = verifyInclusionProofDocument(proof, key.publicKey);
      if (!check.ok) {
        throw new StartupError(
          `The log does not prove entry ${seq}: ${check.reason}; run custodia audit verify`,
        );
      }
      console.log(JSON.stringify(proof, null, 2));
    });
  });
}

function exportCommand(): Command {
  return withConfigOption(
    new Command('export-checkpoints')
      .description(
        'print the public key and every signed checkpoint as JSON lines, to keep elsewhere and later prove the log only grew',
      )
      .option(
        '--from <treeSize>',
        'only checkpoints of at least this many entries',
        wholeNumber(0),
      ),
  ).action(async (flags: ConfigFlags & { from?: number }) => {
    const config = configFrom(flags);
    const key = signingKey(config);
    await withAuditDb(config, async (db) => {
      for await (const line of exportCheckpoints(db, key.publicKey, flags.from ?? 0)) {
        process.stdout.write(`${line}\n`);
      }
    });
  });
}

function consistencyCommand(): Command {
  return withConfigOption(
    new Command('consistency')
      .description(
        'print, as JSON, the proof that the log of one checkpoint is a prefix of a later one (RFC 6962 consistency)',
      )
      .argument('<old>', 'tree size of the older checkpoint', wholeNumber(1))
      .argument(
        '[new]',
        'tree size of the newer checkpoint (the latest when absent)',
        wholeNumber(1),
      ),
  ).action(async (oldSize: number, newSize: number | undefined, flags: ConfigFlags) => {
    const config = configFrom(flags);
    const key = signingKey(config);
    await withAuditDb(config, async (db) => {
      const latest: Checkpoint | undefined = await latestCheckpoint(db);
      const target = newSize ?? latest?.treeSize ?? 0;
      const proof = await buildConsistencyProof(db, oldSize, target, key.publicKeyPem());
      const check = verifyConsistencyProofDocument(proof, key.publicKey);
      if (!check.ok) {
        throw new StartupError(
          `The log does not prove ${oldSize} → ${target}: ${check.reason}; run custodia audit verify`,
        );
      }
      console.log(JSON.stringify(proof, null, 2));
    });
  });
}

function verifyProofCommand(): Command {
  return new Command('verify-proof')
    .description(
      'check a proof printed by `audit proof` or `audit consistency`, offline: no database or settings needed',
    )
    .argument('<file>', 'the proof JSON, or - for standard input')
    .option('--public-key <file>', 'the public key (PEM) you kept; else the one inside the proof')
    .action((file: string, flags: { publicKey?: string }) => {
      const key = flags.publicKey === undefined ? undefined : readPublicKey(flags.publicKey);
      let document: unknown;
      try {
        document = JSON.parse(readText(file, 'proof'));
      } catch (error) {
        if (error instanceof StartupError) throw error;
        throw new StartupError(`${file} is not JSON`);
      }
      const format = (document as { format?: unknown } | null)?.format;
      const check =
        format === 'custodia-audit-consistency-proof/1'
          ? verifyConsistencyProofDocument(document, key)
          : verifyInclusionProofDocument(document, key);
      if (!check.ok) throw new StartupError(`Proof does not verify: ${check.reason}`);
      const against = key === undefined ? 'the public key inside the proof' : flags.publicKey;
      console.log(`Proof verifies (checked against ${against})`);
    });
}

/** `custodia audit …`: verify the sealed log, prove entries and growth, export checkpoints. */
export function auditCommand(): Command {
  return new Command('audit')
    .description('check the tamper-evident audit log and export its signed checkpoints')
    .addCommand(verifyCommand())
    .addCommand(proofCommand())
    .addCommand(exportCommand())
    .addCommand(consistencyCommand())
    .addCommand(verifyProofCommand());
}
