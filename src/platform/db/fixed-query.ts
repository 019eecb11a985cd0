import {
  createQueryId,
  type Compilable,
  type CompiledQuery,
  type Kysely,
  type QueryResult,
} from 'kysely';

/**
 * Stands for an argument while a fixed query is built. Kysely binds it as a parameter
 * like any value; turning it into a primitive or JSON throws, so a build that computes
 * with an argument instead of passing it on fails on its first use.
 */
class Slot {
  constructor(readonly name: string) {
    Object.freeze(this);
  }

  [Symbol.toPrimitive](): never {
    throw new TypeError('A fixed query passes its arguments to the query builder as values');
  }

  toJSON(): never {
    return this[Symbol.toPrimitive]();
  }
}

/** A query compiled once: its text, and where each parameter comes from. */
interface Template {
  readonly compiled: CompiledQuery;
  /** Per parameter, the argument it binds, or undefined when it is a constant of the query. */
  readonly sources: readonly (string | undefined)[];
}

/** A query whose text never changes, compiled once per dialect and bound per call. */
export interface FixedQuery<DB, A extends object, O> {
  /** The query with `args` bound: runs on `db` or on any transaction of it. */
  bind(db: Kysely<DB>, args: A): CompiledQuery<O>;
  execute(db: Kysely<DB>, args: A): Promise<QueryResult<O>>;
}

/**
 * A query of a fixed shape, built with Kysely's query builder once and only bound after
 * that: building and compiling a query costs more than SQLite takes to run a short one.
 *
 * `build` receives an object with a stand-in under each of `names`, and must pass each
 * one to the builder as a value (`where('id', '=', args.id)`, `set({ … })`, or the whole
 * object to `values`), never compute with it, branch on it or pass it as a list (`in`
 * with an array): the text must be the same whatever the values. Each call must give
 * exactly those names, none undefined (Kysely would leave such a column out). A database
 * with Kysely plugins builds the query on every call, so that the plugins see it.
 */
export function fixedQuery<DB, A extends object, O>(
  names: readonly (keyof A & string)[],
  build: (db: Kysely<DB>, args: A) => Compilable<O>,
): FixedQuery<DB, A, O> {
  // By the dialect's adapter: the same for a database and each of its transactions.
  const templates = new WeakMap<object, Template>();
  const known = new Set<string>(names);

  const templateFor = (db: Kysely<DB>): Template => {
    const adapter = db.getExecutor().adapter;
    let template = templates.get(adapter);
    if (template === undefined) {
      const slots = Object.fromEntries(names.map((name) => [name, new Slot(name)]));
      const compiled = build(db, Object.freeze(slots) as A).compile();
      const sources = compiled.parameters.map((value) =>
        value instanceof Slot ? value.name : undefined,
      );
      const unused = names.filter((name) => !sources.includes(name));
      if (unused.length > 0) {
        throw new TypeError(`A fixed query does not bind ${unused.join(', ')}`);
      }
      template = { compiled, sources };
      templates.set(adapter, template);
    }
    return template;
  };

  const bind = (db: Kysely<DB>, args: A): CompiledQuery<O> => {
    const given = args as Record<string, unknown>;
    let count = 0;
    for (const name in given) {
      if (!known.has(name)) throw new TypeError(`A fixed query does not take ${name}`);
      if (given[name] === undefined)
        throw new TypeError(`A fixed query was given ${name} undefined`);
      count++;
    }
    if (count !== known.size) throw new TypeError('A fixed query was not given all it binds');
    if (db.getExecutor().plugins.length > 0) return build(db, args).compile();
    const { compiled, sources } = templateFor(db);
    const parameters = sources.map((source, index) =>
      source === undefined ? compiled.parameters[index] : given[source],
    );
    return {
      sql: compiled.sql,
      query: compiled.query,
      parameters,
      queryId: createQueryId(),
    };
  };

  return { bind, execute: (db, args) => db.executeQuery(bind(db, args)) };
}
