// C3.3: the sealer gives every event the next seq, its RFC 6962 leaf hash and the chain
// hash, in id order, in one transaction per batch; checkpoints are signed every N
// entries, after T seconds, or when asked; several sealers never give out a seq twice.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sql } from 'kysely';
import { generateKeyPairSync, sign } from 'node:crypto';
import { isAppError } from '../../src/platform/errors/index.js';
import { lockKeyForTransaction, openDatabase, tablesOf } from '../../src/platform/db/index.js';
import {
  AuditSealer,
  chainHash,
  checkpointSignatureValid,
  entryLeafHash,
  MerkleFrontier,
  publicKeyId,
  verifyAuditLog,
  ZERO_HASH,
  type AuditSealTables,
  type Checkpoint,
} from '../../src/privacy/audit/index.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { openAuditLogFixture, syntheticEvent, type AuditLogFixture } from './audit-log-fixture.js';

describeEachEngine('audit sealer (C3.3)', (engine) => {
  let f: AuditLogFixture;
  beforeEach(async () => {
    f = await openAuditLogFixture(engine);
  });
  afterEach(async () => f.close());

  const rows = () => f.db.selectFrom('audit_events').selectAll().orderBy('id').execute();
  const checkpoints = async (): Promise<Checkpoint[]> =>
    (await f.db.selectFrom('audit_checkpoints').selectAll().orderBy('tree_size').execute()).map(
      (row) => ({
        treeSize: Number(row.tree_size),
        previousTreeSize: Number(row.previous_tree_size),
        rootHash: row.root_hash,
        chainHash: row.chain_hash,
        signedAt: Number(row.signed_at),
        keyId: row.key_id,
        signature: row.signature,
      }),
    );

  it('seals in id order: seq 1…n, leaf = H(0x00‖entry), chain_n = H(chain_{n-1}‖leaf_n)', async () => {
    await f.record(25);
    const result = await f.sealer().sealPending({ maxBatch: 100 });
    expect(result).toMatchObject({ sealed: 25, treeSize: 25 });
    const stored = await rows();
    let chain = ZERO_HASH;
    const frontier = MerkleFrontier.empty();
    stored.forEach((row, i) => {
      expect(Number(row.seq)).toBe(i + 1);
      const leaf = entryLeafHash({ ...row, seq: i + 1 });
      expect(row.leaf_hash).toEqual(leaf);
      chain = chainHash(chain, leaf);
      expect(row.chain_hash).toEqual(chain);
      frontier.append(leaf);
    });
    // The first seal publishes at once: there was no checkpoint to be late after.
    const [only] = await checkpoints();
    expect(only).toMatchObject({ treeSize: 25, previousTreeSize: 0, keyId: f.key.keyId });
    expect(only?.rootHash).toEqual(frontier.root());
    expect(only?.chainHash).toEqual(chain);
    expect(only !== undefined && checkpointSignatureValid(only, f.key.publicKey)).toBe(true);
    expect(await verifyAuditLog(f.db, f.key.publicKey)).toEqual({
      ok: true,
      entries: 25,
      checkpoints: 1,
      coveredEntries: 25,
    });
  });

  it('publishes every N entries, after T, or when asked, each naming its predecessor', async () => {
    const sealer = f.sealer({ checkpointEvery: 10, checkpointAfterMs: 60_000 });
    await f.record(3);
    expect((await sealer.sealPending()).checkpoint?.treeSize).toBe(3);
    await f.record(6);
    expect((await sealer.sealPending()).checkpoint).toBeUndefined(); // 6 since, under N
    await f.record(4);
    expect((await sealer.sealPending()).checkpoint?.treeSize).toBe(13); // 10 since: N reached
    await f.record(2);
    expect((await sealer.sealPending()).checkpoint).toBeUndefined();
    f.clock.advance(60_000);
    expect((await sealer.sealPending()).checkpoint?.treeSize).toBe(15); // T passed, nothing new sealed now
    expect((await sealer.sealPending()).checkpoint).toBeUndefined(); // nothing since
    await f.record(1);
    expect((await sealer.checkpoint()).checkpoint?.treeSize).toBe(16); // asked
    expect((await sealer.checkpoint()).checkpoint).toBeUndefined(); // nothing new to sign
    const all = await checkpoints();
    expect(all.map((c) => [c.previousTreeSize, c.treeSize])).toEqual([
      [0, 3],
      [3, 13],
      [13, 15],
      [15, 16],
    ]);
    expect(all.map((c) => c.signedAt)).toEqual(
      [0, 0, 60_000, 60_000].map((ms) => f.clock.now().getTime() - 60_000 + ms),
    );
    expect((await verifyAuditLog(f.db, f.key.publicKey)).ok).toBe(true);
  });

  it('seals at most maxBatch per call and continues the chain across calls', async () => {
    await f.record(23);
    const sealer = f.sealer({ checkpointEvery: 5 });
    const sizes: number[] = [];
    for (;;) {
      const result = await sealer.sealPending({ maxBatch: 4 });
      if (result.sealed === 0) break;
      expect(result.sealed).toBeLessThanOrEqual(4);
      sizes.push(result.treeSize);
    }
    expect(sizes).toEqual([4, 8, 12, 16, 20, 23]);
    expect(await verifyAuditLog(f.db, f.key.publicKey)).toMatchObject({ ok: true, entries: 23 });
  });

  it('seals events by seq, not id: an event committed late with a lower id joins the end', async () => {
    await f.sink.record([syntheticEvent(1)]);
    const sealer = f.sealer();
    await sealer.sealPending();
    // On PostgreSQL a transaction that took its id earlier may commit after a seal.
    await f.db
      .insertInto('audit_events')
      .values({
        id: 0,
        occurred_at: Date.UTC(2026, 0, 1),
        actor_id: 'system:late',
        actor_role: 'system',
        action: 'customer.read',
        purpose: null,
        subject_id: null,
        categories: '[]',
        decision: 'none',
        request_id: null,
        outcome: 'success',
        detail: null,
      })
      .execute();
    await sealer.checkpoint();
    const stored = await f.db
      .selectFrom('audit_events')
      .select(['id', 'seq'])
      .orderBy('seq')
      .execute();
    expect(stored.map((row) => [Number(row.seq), Number(row.id)])).toEqual([
      [1, Number(stored[0]?.id)],
      [2, 0],
    ]);
    expect(Number(stored[0]?.id)).toBeGreaterThan(0);
    expect(await verifyAuditLog(f.db, f.key.publicKey)).toMatchObject({ ok: true, entries: 2 });
  });

  it('rebuilds its resume point from the leaf hashes when the cached state is lost or stale', async () => {
    const sealer = f.sealer({ checkpointEvery: 1 });
    await f.record(9);
    await sealer.sealPending({ maxBatch: 5 });
    await f.db.deleteFrom('audit_seal_state').execute();
    await sealer.sealPending({ maxBatch: 2 });
    await f.db
      .updateTable('audit_seal_state')
      .set({ frontier: Buffer.alloc(32, 7) })
      .execute();
    await f.db.updateTable('audit_seal_state').set({ tree_size: 3 }).execute();
    await sealer.sealPending();
    expect(await verifyAuditLog(f.db, f.key.publicKey)).toMatchObject({
      ok: true,
      entries: 9,
      checkpoints: 3,
    });
  });

  it('refuses to sign after a checkpoint of another key, and rolls the batch back', async () => {
    await f.record(2);
    await f.sealer().sealPending();
    const other = generateKeyPairSync('ed25519');
    const stranger = new AuditSealer(f.db, {
      clock: f.clock,
      signer: { keyId: publicKeyId(other.publicKey), sign: (m) => sign(null, m, other.privateKey) },
    });
    await f.record(3);
    const error: unknown = await stranger.checkpoint().catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('AUDIT_SIGNING_KEY_MISMATCH');
    const unsealed = await f.db
      .selectFrom('audit_events')
      .select('id')
      .where('seq', 'is', null)
      .execute();
    expect(unsealed).toHaveLength(3);
  });

  it('never gives out a seq twice while sealers race and events keep arriving', async () => {
    // On PostgreSQL a second pool stands for another instance. SQLite runs its sealer in
    // process: both share the one connection, as two sealers of one app would.
    const second =
      engine === 'postgres'
        ? await openDatabase({ url: f.store.databaseUrl, dataDir: f.store.dataDir })
        : undefined;
    try {
      const otherDb = second === undefined ? f.db : tablesOf<AuditSealTables>(second.db);
      const [first, other] = [
        f.sealer({ checkpointEvery: 7 }),
        new AuditSealer(otherDb, { signer: f.key, clock: f.clock, checkpointEvery: 7 }),
      ];
      const sealers = [first, other];
      let recording = true;
      const writer = (async () => {
        for (let i = 0; i < 40; i++) await f.record(5);
        recording = false;
      })();
      const racers = sealers.map(async (sealer) => {
        while (recording) await sealer.sealPending({ maxBatch: 3 });
      });
      await Promise.all([writer, ...racers]);
      while ((await first.sealPending({ maxBatch: 50 })).sealed > 0);
      await other.checkpoint();
      const seqs = (await f.db.selectFrom('audit_events').select('seq').execute()).map((r) =>
        Number(r.seq),
      );
      expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(await verifyAuditLog(f.db, f.key.publicKey)).toMatchObject({ ok: true, entries: 200 });
    } finally {
      await second?.close();
    }
  });

  // Only PostgreSQL has instances that could seal at once; SQLite seals in process.
  if (engine === 'postgres')
    it('takes the advisory lock on PostgreSQL: a sealer waits while another holds it', async () => {
      await f.record(4);
      // The sealer's own pool, named, so its backend can be told from every other one.
      const name = `sealer-${process.pid}-${Date.now()}`;
      const url = new URL(f.store.databaseUrl ?? '');
      url.searchParams.set('application_name', name);
      const sealerDb = await openDatabase({ url: url.toString(), dataDir: f.store.dataDir });
      const other = await openDatabase({ url: f.store.databaseUrl, dataDir: f.store.dataDir });
      try {
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const isLocked = new Promise<void>((resolve) => (locked = resolve));
        const holder = other.db.transaction().execute(async (trx) => {
          await lockKeyForTransaction(trx, 'custodia:audit-sealer');
          locked();
          await held;
        });
        await isLocked;
        let sealed = false;
        const sealing = new AuditSealer(tablesOf<AuditSealTables>(sealerDb.db), {
          signer: f.key,
          clock: f.clock,
        })
          .sealPending()
          .then((r) => {
            sealed = true;
            return r;
          });
        // The wait happens inside PostgreSQL, and pg_locks is the only place it shows; the
        // deadline only bounds how long a broken sealer takes to fail this test.
        const deadline = Date.now() + 10_000;
        for (;;) {
          const { rows } = await sql<{ n: number }>`
            select count(*)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and not l.granted and a.application_name = ${name}`.execute(
            other.db,
          );
          if ((rows[0]?.n ?? 0) > 0) break;
          if (Date.now() > deadline) throw new Error('the sealer never waited for the lock');
          await new Promise((resolve) => setImmediate(resolve));
        }
        expect(sealed).toBe(false);
        release();
        await holder;
        expect((await sealing).sealed).toBe(4);
      } finally {
        await other.close();
        await sealerDb.close();
      }
    });
});
