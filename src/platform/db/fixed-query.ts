import {
  createQueryId,
  type Compilable,
  type CompiledQuery,
  type Kysely,
  type QueryResult,
} from 'kysely';

/**
 * Stands for one value of the arguments while a fixed query is built. Kysely binds it as
 * a parameter like any value; turning it into a primitive or JSON throws, so a build that
 * computes with an argument instead of passing it on fails on its first use.
 */
class Slot {
  constructor(readonly path: readonly (string | number)[]) {
    Object.freeze(this);
  }

  [Symbol.toPrimitive](): never {
    throw new TypeError('A fixed query passes its arguments to the query builder as values');
  }

  toJSON(): never {
    return this[Symbol.toPrimitive]();
  }
}

/** A query compiled once for one shape of arguments: its text, and each parameter's source. */
interface Template {
  readonly compiled: CompiledQuery;
  /** Per parameter, the path of the argument value it binds, or undefined for a constant. */
  readonly sources: readonly (readonly (string | number)[] | undefined)[];
}

/** A query compiled once per dialect and shape of arguments, then only bound. */
export interface FixedQuery<DB, A extends object, O> {
  /** The query with `args` bound: runs on `db` or on any transaction of it. */
  bind(db: Kysely<DB>, args: A): CompiledQuery<O>;
  execute(db: Kysely<DB>, args: A): Promise<QueryResult<O>>;
}

// Shapes kept per query and dialect: an IN list or a multi-row insert makes one per length.
const MAX_SHAPES = 32;

/** Arrays and plain objects are the shape; anything else (strings, numbers, buffers) is a value. */
function isStructure(value: unknown): value is object {
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const PLAIN_KEY = /^[A-Za-z0-9_]+$/;

/**
 * The shape of `value` as text: the keys of its objects, in order, and the lengths of its
 * arrays. It runs on every call, so it concatenates rather than builds arrays.
 */
function shapeOf(value: unknown): string {
  if (Array.isArray(value)) {
    let shape = '[';
    for (const item of value) shape += `${shapeOf(item)},`;
    return `${shape}]`;
  }
  if (isStructure(value)) {
    let shape = '{';
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      shape += `${PLAIN_KEY.test(key) ? key : JSON.stringify(key)}:${shapeOf(item)},`;
    }
    return `${shape}}`;
  }
  if (value === undefined) throw new TypeError('A fixed query was given an undefined value');
  return '';
}

/** `value` with every value replaced by a slot naming its path; each slot is added to `slots`. */
function standIn(value: unknown, path: readonly (string | number)[], slots: Slot[]): unknown {
  if (Array.isArray(value)) {
    return value.map((item, index) => standIn(item, [...path, index], slots));
  }
  if (isStructure(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, standIn(item, [...path, key], slots)]),
    );
  }
  const slot = new Slot(path);
  slots.push(slot);
  return slot;
}

function valueAt(args: unknown, path: readonly (string | number)[]): unknown {
  let value = args;
  for (const step of path) value = (value as Record<string | number, unknown>)[step];
  return value;
}

/**
 * A query built with Kysely's query builder once per dialect and shape of its arguments,
 * and only bound after that: building and compiling a query costs more than SQLite takes
 * to run a short one.
 *
 * The first call with a given shape (the keys of the argument objects, the lengths of
 * their arrays) builds the query from stand-ins for the values. `build` must pass each
 * value to the builder as it is (`where('id', '=', args.id)`, `in` with an array of
 * them, a row or a list of rows to `values`), never compute with it or branch on it.
 * Every value must be bound, and none undefined. A database with Kysely plugins builds
 * the query on every call, so that the plugins see it.
 */
export function fixedQuery<DB, A extends object, O>(
  build: (db: Kysely<DB>, args: A) => Compilable<O>,
): FixedQuery<DB, A, O> {
  // By the dialect's adapter, the same for a database and each of its transactions.
  const templates = new WeakMap<object, Map<string, Template>>();

  const templateFor = (db: Kysely<DB>, args: A, shape: string): Template => {
    const adapter = db.getExecutor().adapter;
    let shapes = templates.get(adapter);
    if (shapes === undefined) {
      shapes = new Map();
      templates.set(adapter, shapes);
    }
    const kept = shapes.get(shape);
    if (kept !== undefined) return kept;
    const slots: Slot[] = [];
    const standIns = standIn(args, [], slots) as A;
    const compiled = build(db, standIns).compile();
    const bound = new Set(compiled.parameters.filter((value) => value instanceof Slot));
    const unbound = slots.filter((slot) => !bound.has(slot));
    if (unbound.length > 0) {
      const names = unbound.map((slot) => slot.path.join('.'));
      throw new TypeError(`A fixed query does not bind ${names.join(', ')}`);
    }
    const template: Template = {
      compiled,
      sources: compiled.parameters.map((value) => (value instanceof Slot ? value.path : undefined)),
    };
    if (shapes.size >= MAX_SHAPES) return template;
    shapes.set(shape, template);
    return template;
  };

  const bind = (db: Kysely<DB>, args: A): CompiledQuery<O> => {
    const shape = shapeOf(args);
    if (db.getExecutor().plugins.length > 0) return build(db, args).compile();
    const { compiled, sources } = templateFor(db, args, shape);
    const parameters = sources.map((path, index) =>
      path === undefined ? compiled.parameters[index] : valueAt(args, path),
    );
    return { sql: compiled.sql, query: compiled.query, parameters, queryId: createQueryId() };
  };

  return { bind, execute: (db, args) => db.executeQuery(bind(db, args)) };
}
