// C3.3: a search of the audit log finds every matching event whether or not the sealer
// has taken it yet. The lookups by person, by actor and by seq index sealed events only,
// so recording an event writes no entry to them; a search reads both sides of the seal.
import { CompiledQuery, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  searchAuditEvents,
  type AuditSealTables,
  type AuditSearch,
  type StoredAuditEvent,
} from '../../src/privacy/audit/index.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { openAuditLogFixture, type AuditLogFixture } from './audit-log-fixture.js';

/** Every page of a search, `limit` at a time, in the order they were served. */
async function allPages(
  db: Kysely<AuditSealTables>,
  search: AuditSearch,
  limit: number,
): Promise<StoredAuditEvent[]> {
  const events: StoredAuditEvent[] = [];
  let before = search.before;
  for (;;) {
    const page = await searchAuditEvents(db, { ...search, limit, before });
    events.push(...page.events);
    if (page.nextBefore === null) return events;
    before = page.nextBefore;
  }
}

describeEachEngine('audit search across the seal (C3.3)', (engine) => {
  let f: AuditLogFixture;
  beforeEach(async () => {
    f = await openAuditLogFixture(engine);
  });
  afterEach(async () => f.close());

  /** Every stored event matching `keep`, newest first, as the search should serve them. */
  const expected = async (
    keep: (row: { subject_id: string | null; actor_id: string }) => boolean,
  ) =>
    (await f.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').execute())
      .filter(keep)
      .map((row) => ({ id: Number(row.id), seq: row.seq === null ? null : Number(row.seq) }));
  const served = (events: readonly StoredAuditEvent[]) =>
    events.map((event) => ({ id: event.id, seq: event.seq }));

  it('pages through sealed and unsealed events of one subject, each once, newest first', async () => {
    await f.record(60);
    await f.sealer().sealPending({ maxBatch: 40 });
    await f.record(30);
    const want = await expected((row) => row.subject_id === 'cus_subject3');
    // Both sides are present, so the pages cross the seal.
    expect(want.some((event) => event.seq === null)).toBe(true);
    expect(want.some((event) => event.seq !== null)).toBe(true);
    expect(served(await allPages(f.db, { subjectId: 'cus_subject3' }, 2))).toEqual(want);
    expect(served(await allPages(f.db, { subjectId: 'cus_subject3' }, 200))).toEqual(want);
  });

  it('finds one actor’s events, and a subject’s events by others, on both sides', async () => {
    await f.record(50);
    await f.sealer().sealPending({ maxBatch: 25 });
    await f.record(20);
    expect(served(await allPages(f.db, { actorId: 'stf_actor2' }, 3))).toEqual(
      await expected((row) => row.actor_id === 'stf_actor2'),
    );
    expect(
      served(await allPages(f.db, { subjectId: 'cus_subject5', notActorId: 'stf_actor1' }, 4)),
    ).toEqual(
      await expected((row) => row.subject_id === 'cus_subject5' && row.actor_id !== 'stf_actor1'),
    );
  });

  it('serves an event once after the sealer takes it between two pages', async () => {
    await f.record(40);
    const first = await searchAuditEvents(f.db, { subjectId: 'cus_subject1', limit: 2 });
    expect(first.events.every((event) => event.seq === null)).toBe(true);
    await f.sealer().sealPending({ maxBatch: 1000 });
    const rest = await allPages(
      f.db,
      { subjectId: 'cus_subject1', before: first.nextBefore ?? undefined },
      2,
    );
    expect(rest.every((event) => event.seq !== null)).toBe(true);
    expect([...first.events, ...rest].map((event) => event.id)).toEqual(
      (await expected((row) => row.subject_id === 'cus_subject1')).map((event) => event.id),
    );
  });
});

describe('audit search on SQLite: the indexes it uses', () => {
  let f: AuditLogFixture;
  beforeEach(async () => {
    f = await openAuditLogFixture('sqlite');
  });
  afterEach(async () => f.close());

  it('reads sealed events through the subject index and unsealed ones through the sealer’s queue', async () => {
    await f.record(20);
    let compiled: CompiledQuery | undefined;
    // The statement a subject's search runs, as the search builds it.
    await searchAuditEvents(
      f.db.withPlugin({
        transformQuery: ({ node, queryId }) => {
          compiled = f.db.getExecutor().compileQuery(node, queryId);
          return node;
        },
        transformResult: ({ result }) => Promise.resolve(result),
      }),
      { subjectId: 'cus_subject3' },
    );
    if (compiled === undefined) throw new Error('no statement was built');
    const plan = await f.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
    );
    const details = plan.rows.map((row) => row.detail).join('\n');
    expect(details).toContain('USING INDEX audit_events_subject');
    expect(details).toContain('USING INDEX audit_events_unsealed');
  });
});
