// C3.3 evidence for the parallel reader: on SQLite, `verifyAuditLog` reads committed
// entries in chunks, on the main thread and on reader threads. Whatever an intruder did,
// it names the same first place as the one ordered read (inside a transaction, which
// cannot use other connections) and as the tamper tests expect. Each alteration is
// committed, verified, and undone by restoring the saved tables.
import fc from 'fast-check';
import type { Kysely, Selectable } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  verifyAuditLog,
  type AuditCheckpointsTable,
  type AuditSealTables,
  type Checkpoint,
  type SealedAuditEventsTable,
  type VerifyOptions,
} from '../../src/privacy/audit/index.js';
import { checkpointFromRow } from '../../src/privacy/audit/checkpoint.js';
import { openAuditLogFixture, type AuditLogFixture } from './audit-log-fixture.js';
import { tamperArbitrary } from './tamper-arbitrary.js';
import { applyTamper, expectedPlace, type LogShape, type Tamper } from './tamper.js';

// Irregular batches, each closed by a checkpoint; chunks of 16 cut across all of them.
const BATCHES = [37, 3, 60, 11, 90, 50, 9];
const CHUNK = 16;

let f: AuditLogFixture;
let log: LogShape;
let exported: Checkpoint[];
let saved: {
  events: Selectable<SealedAuditEventsTable>[];
  checkpoints: AuditCheckpointsTable[];
};

beforeAll(async () => {
  f = await openAuditLogFixture('sqlite');
  const sealer = f.sealer({ checkpointEvery: 1000, checkpointAfterMs: 3_600_000 });
  const sizes: number[] = [];
  for (const batch of BATCHES) {
    await f.record(batch);
    sizes.push((await sealer.checkpoint({ maxBatch: batch })).checkpoint?.treeSize ?? -1);
  }
  await f.record(5);
  log = { size: sizes[sizes.length - 1] ?? 0, checkpoints: sizes };
  saved = {
    events: await f.db.selectFrom('audit_events').selectAll().orderBy('id').execute(),
    checkpoints: await f.db.selectFrom('audit_checkpoints').selectAll().execute(),
  };
  exported = saved.checkpoints.map(checkpointFromRow);
});
afterAll(async () => f.close());

async function restore(): Promise<void> {
  await f.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('audit_events').execute();
    await trx.deleteFrom('audit_checkpoints').execute();
    await trx.insertInto('audit_events').values(saved.events).execute();
    await trx.insertInto('audit_checkpoints').values(saved.checkpoints).execute();
  });
}

const verify = (db: Kysely<AuditSealTables>, options: VerifyOptions) =>
  verifyAuditLog(db, f.key.publicKey, { batchSize: CHUNK, ...options });

/** One ordered read: inside a transaction, the verifier has no other connection to use. */
const orderedRead = (options: VerifyOptions) =>
  f.db.transaction().execute((trx) => verify(trx, options));

it('verifies the untouched log in chunks, with and without reader threads', async () => {
  const intact = { ok: true, entries: log.size, checkpoints: 7, coveredEntries: log.size };
  expect(log.size).toBe(260);
  expect(await verify(f.db, { workers: 0 })).toEqual(intact);
  expect(await verify(f.db, { workers: 2, trusted: exported })).toEqual(intact);
  expect(await orderedRead({})).toEqual(intact);
});

it('names the first place that no longer matches, as the ordered read does', async () => {
  await fc.assert(
    fc.asyncProperty(tamperArbitrary(log), fc.boolean(), async (tamper: Tamper, withCopy) => {
      const newest =
        tamper.on === 'checkpoint' && tamper.act === 'delete' && tamper.treeSize === log.size;
      const trusted = withCopy || newest;
      const options = trusted ? { trusted: exported } : {};
      await applyTamper(f.db, tamper, log);
      try {
        const chunked = await verify(f.db, { ...options, workers: 0 });
        expect(chunked).toEqual(await orderedRead(options));
        expect(chunked.ok).toBe(false);
        if (chunked.ok) return;
        const { reason, ...place } = chunked.problem;
        expect(place).toEqual(expectedPlace(tamper, log, trusted));
        expect(reason.length).toBeGreaterThan(5);
      } finally {
        await restore();
      }
    }),
    { numRuns: 100 },
  );
  expect((await verify(f.db, { workers: 0 })).ok).toBe(true);
});

it('gives the same answer with reader threads, at chunk edges and inside chunks', async () => {
  const cases: Tamper[] = [
    { on: 'entry', act: 'modify', seq: 16, field: 'outcome', rehash: false },
    { on: 'entry', act: 'modify', seq: 17, field: 'chain_hash', rehash: false },
    { on: 'entry', act: 'delete', seq: 130, rehash: false },
    { on: 'entry', act: 'insert', seq: 200, rehash: true },
    { on: 'entry', act: 'reorder', seq: 33, other: 250, rehash: false },
    { on: 'checkpoint', act: 'delete', treeSize: 100 },
  ];
  for (const tamper of cases) {
    await applyTamper(f.db, tamper, log);
    try {
      const threaded = await verify(f.db, { workers: 2 });
      expect(threaded).toEqual(await verify(f.db, { workers: 0 }));
      if (threaded.ok) throw new Error(`not detected: ${JSON.stringify(tamper)}`);
      expect(threaded.problem).toMatchObject(expectedPlace(tamper, log, false));
    } finally {
      await restore();
    }
  }
});
