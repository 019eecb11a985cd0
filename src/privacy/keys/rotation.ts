import type { Kysely } from 'kysely';
import { bulkUpdate } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/index.js';
import type { KekProvider } from './kek-provider.js';
import { keysErrors } from './keys-errors.js';
import type { KeysTables } from './keys-migration.js';
import type { RewrapItem, Rewrapper } from './rewrap-worker.js';
import { wrapAad } from './subject-keys.js';

/** Progress of a rotation, reported after every batch. */
export interface RotationProgress {
  readonly target: number;
  readonly done: number;
  readonly total: number;
}

/** How a rotation runs. */
export interface RotationOptions {
  readonly batchSize?: number;
  readonly onProgress?: (progress: RotationProgress) => void;
  /** Called once the target version is known, before the first batch. */
  readonly onStart?: (progress: RotationProgress) => void;
}

/** Live data keys per KEK version, and the count of shredded subjects. */
export interface KeyCounts {
  readonly byVersion: ReadonlyMap<number, number>;
  readonly shredded: number;
}

/** Counts data keys by the KEK version that wraps them. */
export async function countKeys(db: Kysely<KeysTables>): Promise<KeyCounts> {
  const rows = await db
    .selectFrom('subject_key')
    .select(['kek_version', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('kek_version')
    .execute();
  const byVersion = new Map<number, number>();
  let shredded = 0;
  for (const row of rows) {
    if (row.kek_version === null) shredded += Number(row.count);
    else byVersion.set(row.kek_version, Number(row.count));
  }
  return { byVersion, shredded };
}

async function countPending(db: Kysely<KeysTables>, target: number): Promise<number> {
  const row = await db
    .selectFrom('subject_key')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('kek_version', '<>', target)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

interface Batch {
  readonly ids: number[];
  readonly items: RewrapItem[];
  /** The last id read; the next batch starts after it. */
  readonly last: number;
}

/** The next keys under an older version, walking the table by id so each batch is adjacent on disk. */
async function readBatch(
  db: Kysely<KeysTables>,
  target: number,
  size: number,
  after: number,
): Promise<Batch> {
  const rows = await db
    .selectFrom('subject_key')
    .select(['id', 'subject_id', 'key_id', 'kek_version', 'wrapped_key'])
    .where('id', '>', after)
    .where('kek_version', '<>', target)
    .orderBy('id')
    .limit(size)
    .execute();
  const ids: number[] = [];
  const items: RewrapItem[] = [];
  for (const row of rows) {
    if (row.wrapped_key === null || row.kek_version === null) continue;
    ids.push(Number(row.id));
    items.push({
      version: row.kek_version,
      wrapped: row.wrapped_key,
      aad: wrapAad(row.subject_id, Number(row.key_id)),
    });
  }
  return { ids, items, last: Number(rows.at(-1)?.id ?? after) };
}

/**
 * Writes a rewrapped batch in one statement. Only rows that still hold a key under an
 * older version change, so a subject shredded meanwhile never gets its key back.
 */
async function writeBatch(
  db: Kysely<KeysTables>,
  target: number,
  ids: number[],
  wrapped: Buffer[],
): Promise<void> {
  await bulkUpdate(
    db,
    {
      table: 'subject_key',
      key: 'id',
      columns: [{ name: 'wrapped_key' }],
      constants: { kek_version: target },
      where: [
        { column: 'wrapped_key', op: 'is not null' },
        { column: 'kek_version', op: '<>', value: target },
      ],
    },
    ids.map((id, i) => [id, wrapped[i]]),
  );
}

/** Key-by-key rewrapping for providers without a batch path (an HSM, a KMS). */
function inlineRewrapper(kek: KekProvider, target: number): Rewrapper {
  return {
    rewrap: async (items) => {
      const out: Buffer[] = [];
      for (const item of items) {
        const key = await kek.unwrap(item.version, item.wrapped, item.aad);
        const { version, wrapped } = await kek.wrap(key, item.aad);
        if (version !== target)
          throw new Error(`KEK version changed during rotation (${version} ≠ ${target})`);
        out.push(wrapped);
      }
      return out;
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Rotates the KEK: creates a new version (or resumes the unfinished rotation) and
 * rewraps every data key in batches. Each batch commits on its own and both versions
 * stay in the keyring until the end, so the process can be killed at any point and every
 * value stays readable; running it again finishes the job. Reading the next batch and
 * writing the last one overlap with rewrapping on a worker thread.
 */
export async function rotateKeys(
  db: Kysely<KeysTables>,
  kek: KekProvider,
  options: RotationOptions = {},
): Promise<RotationProgress> {
  const batchSize = options.batchSize ?? 2000;
  const { target } = kek.rotation() ?? (await kek.beginRotation());
  const total = await countPending(db, target);
  options.onStart?.({ target, done: 0, total });
  const rewrapper = kek.rewrapper?.(target) ?? inlineRewrapper(kek, target);
  let done = 0;
  try {
    let batch = await readBatch(db, target, batchSize, 0);
    let pending = rewrapper.rewrap(batch.items);
    while (batch.items.length > 0) {
      const following = await readBatch(db, target, batchSize, batch.last);
      const wrapped = await pending;
      pending = rewrapper.rewrap(following.items);
      await writeBatch(db, target, batch.ids, wrapped);
      done += batch.ids.length;
      options.onProgress?.({ target, done: Math.min(done, total), total });
      batch = following;
    }
    await pending;
  } finally {
    await rewrapper.close();
  }
  await kek.completeRotation();
  return { target, done, total };
}

/**
 * Retires an old KEK version, destroying its key material. Refused while any data key is
 * still wrapped by it, or while it is the current version.
 */
export async function retireKek(
  db: Kysely<KeysTables>,
  kek: KekProvider,
  version: number,
): Promise<void> {
  if (version === kek.currentVersion()) {
    throw new AppError(keysErrors.KEK_RETIRE_REFUSED, {
      message: `KEK version ${version} is the current one`,
    });
  }
  const { byVersion } = await countKeys(db);
  const remaining = byVersion.get(version) ?? 0;
  if (remaining > 0) {
    throw new AppError(keysErrors.KEK_RETIRE_REFUSED, {
      message: `KEK version ${version} still wraps ${remaining} data keys; run custodia keys rotate first`,
      details: { version, remaining },
    });
  }
  await kek.retire(version);
}
