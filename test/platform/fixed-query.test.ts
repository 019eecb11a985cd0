// Fixed queries: built with the query builder once per dialect, then only bound. A bound
// query must do exactly what the builder's own query does, on the database and in a
// transaction, with constants kept and each argument in its place; a build that would
// change shape with its values, and a call that leaves something out, fail loudly.
import {
  sql,
  type Generated,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { fixedQuery, rowsAffected } from '../../src/platform/db/index.js';
import { openScratchDatabase, type ScratchDatabase } from '../helpers/scratch-database.js';
import { describeEachEngine } from '../helpers/test-engines.js';

interface Tables {
  items: { id: Generated<number>; label: string; kind: string; count: number; note: string | null };
}

type NewItem = { label: string; kind: string; count: number; note: string | null };

const insertItem = fixedQuery((db: Kysely<Tables>, row: NewItem) =>
  db.insertInto('items').values(row),
);

/** Labels of one kind with at least `min`, constants and arguments mixed. */
const labelsOfKind = fixedQuery((db: Kysely<Tables>, args: { kind: string; min: number }) =>
  db
    .selectFrom('items')
    .select('label')
    .where('kind', '=', args.kind)
    .where('count', '>=', args.min)
    .where('label', '!=', 'hidden')
    .orderBy('label'),
);

const addToCount = fixedQuery((db: Kysely<Tables>, args: { label: string; by: number }) =>
  db
    .updateTable('items')
    .set((eb) => ({ count: eb('count', '+', args.by) }))
    .where('label', '=', args.label),
);

/** Records the queries a plugin is shown. */
class SeenQueries implements KyselyPlugin {
  readonly kinds: string[] = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.kinds.push(args.node.kind);
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

describeEachEngine('fixed queries', (engine) => {
  let scratch: ScratchDatabase<Tables>;
  let db: Kysely<Tables>;

  beforeAll(async () => {
    scratch = await openScratchDatabase<Tables>(
      engine,
      'items',
      sql`label text not null, kind text not null,
      count integer not null, note text`,
    );
    db = scratch.db;
  });
  afterAll(() => scratch.close());
  beforeEach(async () => {
    await db.deleteFrom('items').execute();
  });

  const labels = (kind: string, min: number) =>
    labelsOfKind.execute(db, { kind, min }).then((result) => result.rows.map((r) => r.label));

  it('binds each call’s values by name and keeps the constants of the query', async () => {
    await insertItem.execute(db, { label: 'a', kind: 'x', count: 1, note: null });
    await insertItem.execute(db, { label: 'b', kind: 'x', count: 5, note: 'n' });
    await insertItem.execute(db, { label: 'c', kind: 'y', count: 9, note: null });
    await insertItem.execute(db, { label: 'hidden', kind: 'x', count: 9, note: null });
    const stored = await db
      .selectFrom('items')
      .select(['label', 'kind', 'count', 'note'])
      .orderBy('label')
      .execute();
    expect(stored.map((r) => [r.label, r.kind, Number(r.count), r.note])).toEqual([
      ['a', 'x', 1, null],
      ['b', 'x', 5, 'n'],
      ['c', 'y', 9, null],
      ['hidden', 'x', 9, null],
    ]);
    expect(await labels('x', 0)).toEqual(['a', 'b']);
    expect(await labels('x', 2)).toEqual(['b']);
    expect(await labels('y', 0)).toEqual(['c']);
  });

  it('runs in a transaction of the database, and rolls back with it', async () => {
    await insertItem.execute(db, { label: 'a', kind: 'x', count: 1, note: null });
    await db.transaction().execute(async (trx) => {
      const changed = await addToCount.execute(trx, { label: 'a', by: 4 });
      expect(changed.numAffectedRows).toBe(1n);
      expect(rowsAffected(changed)).toBe(1);
    });
    await expect(
      db.transaction().execute(async (trx) => {
        await addToCount.execute(trx, { label: 'a', by: 100 });
        throw new Error('changed its mind');
      }),
    ).rejects.toThrow('changed its mind');
    expect(await labels('x', 5)).toEqual(['a']);
    expect(await labels('x', 6)).toEqual([]);
    expect(rowsAffected(await addToCount.execute(db, { label: 'none', by: 1 }))).toBe(0);
    expect(rowsAffected({ rows: [] })).toBe(0);
  });

  it('gives the same text and values as the query builder', async () => {
    const bound = labelsOfKind.bind(db, { kind: 'x', min: 3 });
    const built = db
      .selectFrom('items')
      .select('label')
      .where('kind', '=', 'x')
      .where('count', '>=', 3)
      .where('label', '!=', 'hidden')
      .orderBy('label')
      .compile();
    expect(bound.sql).toBe(built.sql);
    expect(bound.parameters).toEqual(built.parameters);
  });

  it('refuses an undefined value, which the builder would leave out', () => {
    const row = { label: 'a', kind: 'x', count: 1, note: undefined };
    expect(() => insertItem.bind(db, row as unknown as NewItem)).toThrow('undefined value');
  });

  it('builds a query per shape: lists of any length, rows with other columns', async () => {
    const insertRows = fixedQuery((kysely: Kysely<Tables>, args: { rows: Partial<NewItem>[] }) =>
      kysely.insertInto('items').values(args.rows as NewItem[]),
    );
    const byLabels = fixedQuery((kysely: Kysely<Tables>, args: { labels: string[] }) =>
      kysely
        .selectFrom('items')
        .select(['label', 'note'])
        .where('label', 'in', args.labels)
        .orderBy('label'),
    );
    await insertRows.execute(db, {
      rows: [
        { label: 'a', kind: 'x', count: 1, note: 'first' },
        { label: 'b', kind: 'x', count: 2, note: null },
      ],
    });
    await insertRows.execute(db, { rows: [{ label: 'c', kind: 'y', count: 3 }] });
    await insertRows.execute(db, { rows: [{ label: 'd', kind: 'y', count: 4, note: 'fourth' }] });
    const found = async (labels: string[]) =>
      (await byLabels.execute(db, { labels })).rows.map((r) => `${r.label}:${r.note ?? '-'}`);
    expect(await found(['a'])).toEqual(['a:first']);
    expect(await found(['d', 'b'])).toEqual(['b:-', 'd:fourth']);
    expect(await found(['c', 'a', 'zz'])).toEqual(['a:first', 'c:-']);
    expect(await found(['b'])).toEqual(['b:-']);
  });

  it('refuses a build that computes with an argument or leaves one out', () => {
    const computing = fixedQuery((kysely: Kysely<Tables>, args: { min: number }) =>
      kysely
        .selectFrom('items')
        .select('label')
        .where('count', '>=', args.min + 1),
    );
    expect(() => computing.bind(db, { min: 1 })).toThrow('as values');
    const unbound = fixedQuery((kysely: Kysely<Tables>, args: { kind: string; min: number }) =>
      kysely.selectFrom('items').select('label').where('kind', '=', args.kind),
    );
    expect(() => unbound.bind(db, { kind: 'x', min: 1 })).toThrow('does not bind min');
    const unboundInList = fixedQuery((kysely: Kysely<Tables>, args: { labels: string[] }) =>
      kysely
        .selectFrom('items')
        .select('label')
        .where('label', '=', args.labels[0] ?? ''),
    );
    expect(() => unboundInList.bind(db, { labels: ['a', 'b'] })).toThrow('does not bind labels.1');
  });

  it('builds the query on every call for a database with plugins, so they see it', async () => {
    await insertItem.execute(db, { label: 'a', kind: 'x', count: 1, note: null });
    const seen = new SeenQueries();
    const withPlugin = db.withPlugin(seen);
    const first = await labelsOfKind.execute(withPlugin, { kind: 'x', min: 0 });
    const second = await labelsOfKind.execute(withPlugin, { kind: 'x', min: 2 });
    expect(seen.kinds).toEqual(['SelectQueryNode', 'SelectQueryNode']);
    expect(first.rows.map((r) => r.label)).toEqual(['a']);
    expect(second.rows).toEqual([]);
  });
});
