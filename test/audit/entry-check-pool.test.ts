// C3.3: reading the log in parallel chunks, on the main thread and on reader threads,
// hands back exactly what one ordered read would, in order.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SqliteArrayReader, sqliteFileOf } from '../../src/platform/db/index.js';
import { chainSeedQuery, entryRowsQuery } from '../../src/privacy/audit/audit-log-reader.js';
import { checkChunksInOrder, type EntryChunks } from '../../src/privacy/audit/entry-check-pool.js';
import { checkRows, type CheckedEntries } from '../../src/privacy/audit/entry-rows.js';
import { ZERO_HASH } from '../../src/privacy/audit/index.js';
import { openAuditLogFixture, type AuditLogFixture } from './audit-log-fixture.js';

const ENTRIES = 1200;
const CHUNK = 50;

let f: AuditLogFixture;
let file: string;

beforeAll(async () => {
  f = await openAuditLogFixture('sqlite');
  await f.record(ENTRIES);
  const sealer = f.sealer({ checkpointEvery: 100 });
  while ((await sealer.sealPending({ maxBatch: 500 })).sealed > 0);
  const found = await sqliteFileOf(f.db);
  if (found === undefined) throw new Error('the fixture has no SQLite file');
  file = found;
});
afterAll(async () => f.close());

const plain = (query: { sql: string; parameters: readonly unknown[] }) => ({
  sql: query.sql,
  parameters: [...query.parameters],
});

const chunks: EntryChunks = {
  count: ENTRIES / CHUNK,
  at: (index) => ({
    rows: plain(entryRowsQuery(f.db, index * CHUNK, (index + 1) * CHUNK)),
    seed: index === 0 ? ZERO_HASH.toString('hex') : plain(chainSeedQuery(f.db, index * CHUNK)),
  }),
};

/** Every chunk's entries, flattened in the order the pool yields them. */
async function collect(
  workers: number,
  observe?: (by: 'main' | 'thread') => void,
  onlyOnIdleCores = false,
) {
  const seqs: number[] = [];
  const verdicts: number[] = [];
  const chains: Buffer[] = [];
  const threads = { count: workers, onlyOnIdleCores };
  for await (const entries of checkChunksInOrder(file, chunks, threads, observe)) {
    seqs.push(...entries.seqs);
    verdicts.push(...entries.verdicts);
    chains.push(Buffer.from(entries.chains));
  }
  return { seqs, verdicts, chains: Buffer.concat(chains).toString('hex') };
}

function oneRead(): CheckedEntries {
  const reader = new SqliteArrayReader(file);
  try {
    const query = entryRowsQuery(f.db, 0);
    return checkRows(reader.all(query.sql, query.parameters), ZERO_HASH.toString('hex'));
  } finally {
    reader.close();
  }
}

// Holds the main thread back, as a busy machine would, so the threads get chunks too.
const slowMain = (by: 'main' | 'thread') => {
  if (by === 'main') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 40);
};

it('yields the entries of one ordered read, in order, whoever reads them', async () => {
  const expected = oneRead();
  const whole = {
    seqs: [...expected.seqs],
    verdicts: [...expected.verdicts],
    chains: expected.chains.toString('hex'),
  };
  expect(whole.seqs).toEqual(Array.from({ length: ENTRIES }, (_, i) => i + 1));
  expect(whole.verdicts.every((v) => v === 0)).toBe(true);
  expect(await collect(0)).toEqual(whole);
  const by = { main: 0, thread: 0 };
  expect(await collect(2, (who) => (slowMain(who), (by[who] += 1)))).toEqual(whole);
  expect(by.main + by.thread).toBe(ENTRIES / CHUNK);
  expect(by.thread).toBeGreaterThan(0);
  // Threads only if a core sat idle: how many depends on the machine, the entries do not.
  expect(await collect(2, slowMain, true)).toEqual(whole);
});

/** The first entry that is out of place or does not match, as the walk would meet it. */
function firstProblem(run: { seqs: number[]; verdicts: number[] }) {
  const at = run.seqs.findIndex((seq, i) => seq !== i + 1 || run.verdicts[i] !== 0);
  return { at, seq: run.seqs[at], verdict: run.verdicts[at] };
}

it('meets the first changed entry where one ordered read meets it', async () => {
  const changes = [
    { seq: 75, set: { outcome: 'failure' } },
    // The seed of the chunk after it: the threads read it from the table.
    { seq: 150, set: { chain_hash: Buffer.alloc(32, 1) } },
    { seq: 401, set: { seq: 2000 } },
  ] as const;
  for (const change of changes) {
    const before = await f.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '=', change.seq)
      .executeTakeFirstOrThrow();
    await f.db.updateTable('audit_events').set(change.set).where('id', '=', before.id).execute();
    try {
      const expected = oneRead();
      const ordered = { seqs: [...expected.seqs], verdicts: [...expected.verdicts] };
      expect(firstProblem(ordered).seq).toBe(change.seq === 401 ? 402 : change.seq);
      expect(firstProblem(await collect(2, slowMain))).toEqual(firstProblem(ordered));
      expect(firstProblem(await collect(0))).toEqual(firstProblem(ordered));
    } finally {
      await f.db.updateTable('audit_events').set(before).where('id', '=', before.id).execute();
    }
  }
});

it('stops its threads when the consumer stops early', async () => {
  let seen = 0;
  for await (const entries of checkChunksInOrder(file, chunks, {
    count: 2,
    onlyOnIdleCores: false,
  })) {
    seen += entries.count;
    if (seen >= 3 * CHUNK) break;
  }
  expect(seen).toBe(3 * CHUNK);
});
