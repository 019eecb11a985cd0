// C3.3 crash safety: a sealer SIGKILLed at random moments in a child process leaves a log
// that verifies, and the next sealer continues the chain: every event ends up sealed
// exactly once, in one unbroken, signed tree. Both engines.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { sealProgress, verifyAuditLog } from '../../src/privacy/audit/index.js';
import { spawnTs } from '../helpers/run-cli.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { openAuditLogFixture, type AuditLogFixture } from './audit-log-fixture.js';

const SEAL_LOOP = fileURLToPath(new URL('../fixtures/audit-seal-loop.ts', import.meta.url));
const TRIALS = 12;
const EVENTS_PER_TRIAL = 400;

describeEachEngine('sealer killed mid-batch (C3.3)', (engine) => {
  let f: AuditLogFixture;
  beforeAll(async () => {
    f = await openAuditLogFixture(engine);
  });
  afterAll(async () => f.close());

  /** Runs the seal loop and SIGKILLs it after a random number of commits plus a random delay. */
  async function sealAndKill(): Promise<{ killed: boolean; commits: number }> {
    const handle = spawnTs(SEAL_LOOP, [], { env: f.store.env });
    const after = 1 + Math.floor(Math.random() * 8);
    let commits = 0;
    let timer: NodeJS.Timeout | undefined;
    handle.child.stdout.on('data', (chunk: string) => {
      commits += chunk.split('\n').filter((line) => line.includes('"sealed"')).length;
      // A random moment after the k-th commit: inside the next transaction, or between two.
      if (commits >= after && timer === undefined) {
        timer = setTimeout(() => handle.child.kill('SIGKILL'), Math.floor(Math.random() * 6));
      }
    });
    const result = await handle.exited;
    if (result.signal !== 'SIGKILL' && result.code !== 0) {
      throw new Error(`seal loop failed (${result.code}): ${result.stderr}`);
    }
    return { killed: result.signal === 'SIGKILL', commits };
  }

  it('verifies after every kill and, once restarted, seals the rest into one chain', async () => {
    let recorded = 0;
    let killed = 0;
    let previous = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      await f.record(EVENTS_PER_TRIAL);
      recorded += EVENTS_PER_TRIAL;
      const outcome = await sealAndKill();
      if (outcome.killed) killed += 1;
      // Whatever the kill interrupted was rolled back whole: the log verifies as it is.
      const result = await verifyAuditLog(f.db, f.key.publicKey, { batchSize: 97 });
      expect(result).toMatchObject({ ok: true });
      const { sealed, pending } = await sealProgress(f.db);
      expect(sealed + pending).toBe(recorded);
      expect(sealed).toBeGreaterThanOrEqual(previous);
      previous = sealed;
    }
    expect(killed).toBe(TRIALS);
    // Restart: a new sealer picks up the chain where the last commit left it.
    const sealer = f.sealer();
    while ((await sealer.sealPending({ maxBatch: 500 })).sealed > 0);
    await sealer.checkpoint();
    expect(await sealProgress(f.db)).toEqual({ sealed: recorded, pending: 0 });
    expect(await verifyAuditLog(f.db, f.key.publicKey)).toMatchObject({
      ok: true,
      entries: recorded,
      coveredEntries: recorded,
    });
    const seqs = await f.db.selectFrom('audit_events').select('seq').orderBy('seq').execute();
    expect(seqs.map((row) => Number(row.seq))).toEqual(
      Array.from({ length: recorded }, (_, i) => i + 1),
    );
  }, 180_000);
});
