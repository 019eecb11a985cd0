// C3.3: `verifyAuditLog` streams the sealed log in batches, recomputes it, and explains the
// first mismatch in words an operator can act on; unsealed events and a tail that awaits
// its checkpoint are reported as such, not as tampering.
import { generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  AuditSealer,
  exportCheckpoints,
  parseCheckpointExport,
  publicKeyId,
  verifyAuditLog,
  type VerifyProgress,
} from '../../src/privacy/audit/index.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { openAuditLogFixture, type AuditLogFixture } from './audit-log-fixture.js';
import { applyTamper } from './tamper.js';

describeEachEngine('audit log verification (C3.3)', (engine) => {
  let f: AuditLogFixture;
  beforeEach(async () => {
    f = await openAuditLogFixture(engine);
  });
  afterEach(async () => f.close());

  /** n events sealed, a checkpoint after each `every`. */
  async function seal(n: number, every: number) {
    const sealer = f.sealer({ checkpointEvery: every, checkpointAfterMs: 3_600_000 });
    await f.record(n);
    while ((await sealer.sealPending({ maxBatch: every })).sealed > 0);
    return sealer;
  }
  const verify = (options = {}) => verifyAuditLog(f.db, f.key.publicKey, options);
  const exported = async () => {
    const lines: string[] = [];
    for await (const line of exportCheckpoints(f.db, f.key.publicKey)) lines.push(line);
    return parseCheckpointExport(lines.join('\n'));
  };

  it('verifies an empty log', async () => {
    expect(await verify()).toEqual({ ok: true, entries: 0, checkpoints: 0, coveredEntries: 0 });
  });

  it('reads in batches, reports progress, and gives the same answer for every batch size', async () => {
    await seal(23, 5);
    for (const batchSize of [1, 4, 23, 1000]) {
      const seen: VerifyProgress[] = [];
      const result = await verify({ batchSize, onProgress: (p: VerifyProgress) => seen.push(p) });
      expect(result).toEqual({ ok: true, entries: 23, checkpoints: 4, coveredEntries: 20 });
      expect(seen).toHaveLength(Math.ceil(23 / batchSize));
      expect(seen.map((p) => p.done)).toEqual(
        seen.map((_, i) => Math.min(23, (i + 1) * batchSize)),
      );
      expect(seen.every((p) => p.total === 23)).toBe(true);
    }
  });

  it('leaves unsealed events and the tail awaiting its checkpoint out of the verdict', async () => {
    await seal(12, 5);
    await f.record(4);
    expect(await verify()).toEqual({ ok: true, entries: 12, checkpoints: 2, coveredEntries: 10 });
    // The tail is chained all the same: a change that leaves its hashes is caught.
    await f.db
      .updateTable('audit_events')
      .set({ action: 'customer.export' })
      .where('seq', '=', 11)
      .execute();
    expect(await verify()).toEqual({
      ok: false,
      problem: { kind: 'entry', seq: 11, reason: 'its fields do not match its leaf hash' },
    });
  });

  it('names a gap in the seqs', async () => {
    await seal(12, 4);
    await f.db.updateTable('audit_events').set({ seq: 99 }).where('seq', '=', 6).execute();
    expect(await verify()).toEqual({
      ok: false,
      problem: { kind: 'entry', seq: 6, reason: 'missing: the log jumps from seq 5 to 7' },
    });
  });

  it('names a seq given twice once its unique index is gone', async () => {
    await seal(12, 4);
    await f.db.schema.dropIndex('audit_events_seq').execute();
    await f.db.updateTable('audit_events').set({ seq: 6 }).where('seq', '=', 7).execute();
    expect(await verify({ batchSize: 6 })).toEqual({
      ok: false,
      problem: { kind: 'entry', seq: 6, reason: 'another entry has the same seq' },
    });
  });

  it('names a broken chain', async () => {
    await seal(12, 4);
    await f.db
      .updateTable('audit_events')
      .set({ chain_hash: Buffer.alloc(32) })
      .where('seq', '=', 3)
      .execute();
    expect(await verify()).toEqual({
      ok: false,
      problem: {
        kind: 'entry',
        seq: 3,
        reason: 'its chain hash does not follow from the entries before it',
      },
    });
  });

  it('narrows a rehashed change to the entries between two checkpoints', async () => {
    await seal(12, 4);
    await applyTamper(
      f.db,
      { on: 'entry', act: 'modify', seq: 6, field: 'subject_id', rehash: true },
      { size: 12, checkpoints: [4, 8, 12] },
    );
    expect(await verify()).toEqual({
      ok: false,
      problem: {
        kind: 'checkpoint',
        treeSize: 8,
        reason: 'its root hash does not match entries 1..8 (a change after entry 4)',
      },
    });
  });

  it('catches a log rewritten and re-signed by an intruder’s own key, with the key kept elsewhere', async () => {
    await seal(8, 4);
    const kept = f.key.publicKey;
    const intruder = generateKeyPairSync('ed25519');
    const intruderId = publicKeyId(intruder.publicKey);
    await f.db.deleteFrom('audit_checkpoints').execute();
    await applyTamper(
      f.db,
      { on: 'entry', act: 'modify', seq: 2, field: 'decision', rehash: true },
      { size: 8, checkpoints: [4, 8] },
    );
    await new AuditSealer(f.db, {
      clock: f.clock,
      signer: { keyId: intruderId, sign: (m) => sign(null, m, intruder.privateKey) },
    }).checkpoint();
    // Against the intruder's key the rewritten log looks whole…
    expect((await verifyAuditLog(f.db, intruder.publicKey)).ok).toBe(true);
    // …against the key the operator kept, it does not.
    expect(await verifyAuditLog(f.db, kept)).toEqual({
      ok: false,
      problem: {
        kind: 'checkpoint',
        treeSize: 8,
        reason: `signed by key ${intruderId}, not by key ${f.key.keyId}`,
      },
    });
  });

  it('checks exported checkpoints: a deleted newest one, and a copy that was not signed', async () => {
    await seal(12, 4);
    const copy = await exported();
    expect(copy.publicKey?.equals(f.key.publicKey)).toBe(true);
    expect(copy.checkpoints.map((c) => c.treeSize)).toEqual([4, 8, 12]);
    expect(await verify({ trusted: copy.checkpoints })).toMatchObject({ ok: true });
    await f.db.deleteFrom('audit_checkpoints').where('tree_size', '=', 12).execute();
    expect(await verify()).toMatchObject({ ok: true, coveredEntries: 8 });
    expect(await verify({ trusted: copy.checkpoints })).toEqual({
      ok: false,
      problem: {
        kind: 'checkpoint',
        treeSize: 12,
        reason: 'missing from the database (the exported copy has it)',
      },
    });
    const forged = copy.checkpoints.map((c) =>
      c.treeSize === 4 ? { ...c, signature: Buffer.alloc(64, 1) } : c,
    );
    expect(await verify({ trusted: forged })).toEqual({
      ok: false,
      problem: {
        kind: 'checkpoint',
        treeSize: 4,
        reason: 'the exported copy is not signed by this key',
      },
    });
  });

  it('verifies while a sealer keeps sealing and checkpointing', async () => {
    const sealer = await seal(30, 3);
    let sealing = true;
    const busy = (async () => {
      for (let i = 0; i < 10; i++) {
        await f.record(3);
        await sealer.sealPending({ maxBatch: 3 });
      }
      sealing = false;
    })();
    const results = [];
    while (sealing) results.push(await verify({ batchSize: 4 }));
    await busy;
    results.push(await verify({ batchSize: 4 }));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(results[results.length - 1]).toMatchObject({ entries: 60, coveredEntries: 60 });
  });
});
