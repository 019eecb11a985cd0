// C3.3 evidence: whatever an intruder with write access to the database does to one
// entry or one checkpoint — modify, delete, insert, reorder, forge — `verifyAuditLog`
// fails and names the first place that no longer matches. Random alterations on a real
// database (fast-check); each is rolled back before the next.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  verifyAuditLog,
  type AuditSealTables,
  type Checkpoint,
} from '../../src/privacy/audit/index.js';
import { checkpointFromJson, checkpointToJson } from '../../src/privacy/audit/index.js';
import type { Kysely } from 'kysely';
import { describeEachEngine } from '../helpers/test-engines.js';
import { openAuditLogFixture, type AuditLogFixture } from './audit-log-fixture.js';
import { tamperArbitrary } from './tamper-arbitrary.js';
import { applyTamper, expectedPlace, type LogShape, type Tamper } from './tamper.js';

// Irregular batches, each closed by a checkpoint: sizes 5, 6, 15, 18, 30, 37, 39, 47, 53, 60.
const BATCHES = [5, 1, 9, 3, 12, 7, 2, 8, 6, 7];
const RUNS = { sqlite: 1000, postgres: 100 } as const;

class RolledBack extends Error {}

describeEachEngine('tamper detection (C3.3)', (engine) => {
  let f: AuditLogFixture;
  let log: LogShape;
  let exported: Checkpoint[];

  beforeAll(async () => {
    f = await openAuditLogFixture(engine);
    const sealer = f.sealer({ checkpointEvery: 1000, checkpointAfterMs: 3_600_000 });
    const sizes: number[] = [];
    for (const batch of BATCHES) {
      await f.record(batch);
      const result = await sealer.checkpoint({ maxBatch: batch });
      sizes.push(result.checkpoint?.treeSize ?? -1);
    }
    log = { size: sizes[sizes.length - 1] ?? 0, checkpoints: sizes };
    // The operator's copy, exported and read back as `verify --checkpoints` would.
    exported = (await f.db.selectFrom('audit_checkpoints').selectAll().execute())
      .map((row) =>
        checkpointFromJson(
          checkpointToJson({
            treeSize: Number(row.tree_size),
            previousTreeSize: Number(row.previous_tree_size),
            rootHash: row.root_hash,
            chainHash: row.chain_hash,
            signedAt: Number(row.signed_at),
            keyId: row.key_id,
            signature: row.signature,
          }),
        ),
      )
      .filter((c): c is Checkpoint => c !== undefined);
  });
  afterAll(async () => f.close());

  /** Alters the log inside a transaction, verifies what the alteration left, rolls back. */
  async function verifyTampered(tamper: Tamper, trusted: boolean) {
    let result: Awaited<ReturnType<typeof verifyAuditLog>> | undefined;
    await f.db
      .transaction()
      .execute(async (trx) => {
        const db = trx as Kysely<AuditSealTables>;
        await applyTamper(db, tamper, log);
        result = await verifyAuditLog(db, f.key.publicKey, {
          batchSize: 7,
          ...(trusted ? { trusted: exported } : {}),
        });
        throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      });
    return result;
  }

  it('verifies the untouched log, with and without the exported checkpoints', async () => {
    expect(log.checkpoints).toEqual([5, 6, 15, 18, 30, 37, 39, 47, 53, 60]);
    const intact = { ok: true, entries: 60, checkpoints: 10, coveredEntries: 60 };
    expect(await verifyAuditLog(f.db, f.key.publicKey)).toEqual(intact);
    expect(await verifyAuditLog(f.db, f.key.publicKey, { trusted: exported })).toEqual(intact);
  });

  it('fails on any single alteration and names the first place that no longer matches', async () => {
    await fc.assert(
      fc.asyncProperty(tamperArbitrary(log), fc.boolean(), async (tamper, withCopy) => {
        // Deleting the newest checkpoint leaves a log that is merely older: only the
        // exported copy can tell (docs/audit.md: keep checkpoints elsewhere).
        const newest =
          tamper.on === 'checkpoint' && tamper.act === 'delete' && tamper.treeSize === log.size;
        const trusted = withCopy || newest;
        const result = await verifyTampered(tamper, trusted);
        expect(result?.ok).toBe(false);
        if (result === undefined || result.ok) return;
        const { reason, ...place } = result.problem;
        expect(place).toEqual(expectedPlace(tamper, log, trusted));
        expect(reason.length).toBeGreaterThan(5);
      }),
      { numRuns: RUNS[engine] },
    );
    // Every alteration was rolled back: the log verifies again.
    expect((await verifyAuditLog(f.db, f.key.publicKey)).ok).toBe(true);
  });

  it('cannot tell a deleted newest checkpoint without the exported copy', async () => {
    const result = await verifyTampered(
      { on: 'checkpoint', act: 'delete', treeSize: log.size },
      false,
    );
    expect(result).toMatchObject({ ok: true, entries: 60, coveredEntries: 53 });
  });
});
