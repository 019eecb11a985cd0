import { hash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../src/app/migrations.js';
import { systemClock } from '../src/platform/clock.js';
import { migrateToLatest, openDatabase, tablesOf } from '../src/platform/db/index.js';
import {
  AuditSealer,
  AuditSigningKey,
  DatabaseAuditSink,
  verifyAuditLog,
  type AuditEvent,
  type AuditSealTables,
} from '../src/privacy/audit/index.js';
import { sealedEntries } from '../src/privacy/audit/audit-log-reader.js';
import { encodeEntry } from '../src/privacy/audit/entry-encoding.js';
import type { Figure } from './harness.js';

const SEALED = 100_000;
const ONE_BY_ONE = 2_000;
const BATCH_SIZES = [100, 1000] as const;
const CONCURRENT_CALLERS = 64;
const CONCURRENT_EVENTS = 20_000;
const ROUNDS = 5;

/** A synthetic event of the size a masked customer read records. */
function syntheticEvent(i: number): AuditEvent {
  return {
    occurredAt: new Date(Date.UTC(2026, 10, 1) + i),
    actorId: `stf_${(i % 50).toString().padStart(26, '0')}`,
    actorRole: 'support_agent',
    action: 'customer.read',
    purpose: 'customer_support',
    subjectId: `cus_${(i % 5000).toString().padStart(26, '0')}`,
    categories: ['registration.email', 'registration.name'],
    decision: 'masked',
    requestId: `req-${i}`,
    outcome: 'success',
    ...(i % 4 === 0 ? { detail: { fields: 3 } } : {}),
  };
}

const events = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => syntheticEvent(from + i));

const median = (list: readonly number[]) =>
  [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;

async function timed(ops: number, fn: () => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return ops / (Number(process.hrtime.bigint() - started) / 1e9);
}

/**
 * The audit log on SQLite (WAL, synchronous=FULL): appends one by one, in batches and
 * group-committed from concurrent callers; sealing through `AuditSealer.sealPending`;
 * verification through `verifyAuditLog` as `custodia audit verify` calls it (default
 * options: reader threads by core count), against raw `node:crypto` SHA-256 over the same
 * canonical entry bytes (leaf hash and chain hash per entry), measured alternately; and
 * verification on the main thread alone (`workers: 0`), to show what the threads add.
 */
export async function auditBenchmark(): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'custodia-bench-audit-'));
  const database = await openDatabase({ dataDir });
  try {
    await migrateToLatest(database.db, MIGRATIONS);
    const db = tablesOf<AuditSealTables>(database.db);
    const sink = new DatabaseAuditSink(tablesOf(database.db));
    const key = AuditSigningKey.openOrCreate(join(dataDir, 'audit-signing.key'), systemClock);
    const figures: Figure[] = [];
    let next = 0;

    figures.push({
      name: 'append, one event per record call, sequential',
      value: await timed(ONE_BY_ONE, async () => {
        for (const event of events(next, ONE_BY_ONE)) await sink.record([event]);
      }),
      unit: 'events/s',
    });
    next += ONE_BY_ONE;
    for (const size of BATCH_SIZES) {
      const batches = Math.max(10, Math.round(20_000 / size));
      const input = Array.from({ length: batches }, (_, b) => events(next + b * size, size));
      figures.push({
        name: `append, ${size} events per record call`,
        value: await timed(batches * size, async () => {
          for (const batch of input) await sink.record(batch);
        }),
        unit: 'events/s',
      });
      next += batches * size;
    }
    const concurrent = events(next, CONCURRENT_EVENTS);
    figures.push({
      name: `append, ${CONCURRENT_CALLERS} concurrent callers of one event (group commit)`,
      value: await timed(CONCURRENT_EVENTS, async () => {
        let at = 0;
        await Promise.all(
          Array.from({ length: CONCURRENT_CALLERS }, async () => {
            while (at < concurrent.length) {
              const event = concurrent[at++];
              if (event !== undefined) await sink.record([event]);
            }
          }),
        );
      }),
      unit: 'events/s',
    });
    next += CONCURRENT_EVENTS;
    // Top the log up to SEALED events, then seal them all, as the running sealer would.
    for (let start = next; start < SEALED; start += 1000) {
      await sink.record(events(start, Math.min(1000, SEALED - start)));
    }
    const sealer = new AuditSealer(db, { signer: key, clock: systemClock });
    let sealed = 0;
    const sealRate = await timed(SEALED, async () => {
      for (;;) {
        const result = await sealer.sealPending();
        if (result.sealed === 0) break;
        sealed += result.sealed;
      }
    });
    figures.push({ name: 'events sealed', value: sealed, unit: 'events' });
    figures.push({
      name: 'sealing rate (target ≥ 20,000)',
      value: sealRate,
      unit: 'events/s',
    });

    // The baseline hashes the same canonical encodings the verifier hashes, from memory.
    const encodings: Buffer[] = [];
    for await (const batch of sealedEntries(db)) {
      for (const row of batch) encodings.push(Buffer.concat([Buffer.from([0]), encodeEntry(row)]));
    }
    const rawHash = () => {
      let chain = Buffer.alloc(32);
      for (const bytes of encodings) {
        const leaf = hash('sha256', bytes, 'buffer');
        chain = hash('sha256', Buffer.concat([chain, leaf]), 'buffer');
      }
      return chain;
    };
    const verifyRates: number[] = [];
    const oneThreadRates: number[] = [];
    const rawRates: number[] = [];
    const verified = (options: { workers?: number }) => async () => {
      const result = await verifyAuditLog(db, key.publicKey, options);
      if (!result.ok || result.entries !== sealed) {
        throw new Error(`verification failed: ${JSON.stringify(result)}`);
      }
    };
    for (let round = 0; round < ROUNDS; round++) {
      rawRates.push(await timed(encodings.length, rawHash));
      verifyRates.push(await timed(sealed, verified({})));
      oneThreadRates.push(await timed(sealed, verified({ workers: 0 })));
    }
    const verify = median(verifyRates);
    const raw = median(rawRates);
    const bytes = encodings.reduce((sum, e) => sum + e.length, 0) / encodings.length;
    figures.push(
      { name: 'mean canonical entry size (with leaf prefix)', value: bytes, unit: 'bytes' },
      { name: 'verification (verifyAuditLog)', value: verify, unit: 'entries/s' },
      { name: 'raw SHA-256, leaf + chain hash per entry', value: raw, unit: 'entries/s' },
      { name: 'verification ÷ raw (target ≥ 50%)', value: (100 * verify) / raw, unit: '%' },
      {
        name: 'verification on the main thread alone (workers: 0)',
        value: median(oneThreadRates),
        unit: 'entries/s',
      },
      {
        name: 'main thread alone ÷ raw',
        value: (100 * median(oneThreadRates)) / raw,
        unit: '%',
      },
    );
    return figures;
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
