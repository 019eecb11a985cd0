// Requests a careless or hostile client sends, derived from the OpenAPI document: a
// plausible body built from each operation's schema, then that body with one field at a
// time replaced by an edge value (wrong type, out of range, huge, empty, odd text), and the
// path and query parameters replaced the same way. Used by the route sweep.

/** The part of JSON Schema the route schemas use. */
export interface Schema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly format?: string;
}

/** One operation of the OpenAPI document. */
export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly string[];
  readonly body?: Schema;
}

interface OpenApiDocument {
  readonly paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { in: string; name: string }[];
        requestBody?: { content: Record<string, { schema: Schema }> };
      }
    >
  >;
}

/** Every operation of the document, in its order. */
export function operationsOf(document: unknown): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries((document as OpenApiDocument).paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      const body = operation.requestBody?.content['application/json']?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        ...(body === undefined ? {} : { body }),
      });
    }
  }
  return operations;
}

/** Values that pass the usual rules for fields known by name; the rest is built by type. */
export type Plausible = Readonly<Record<string, unknown>>;

function typeOf(schema: Schema): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  return schema.type?.find((type) => type !== 'null');
}

function alternatives(schema: Schema): readonly Schema[] | undefined {
  return schema.anyOf ?? schema.oneOf;
}

/** A value the schema is likely to accept. */
export function plausible(schema: Schema, known: Plausible, name = ''): unknown {
  if (name in known) return known[name];
  if (schema.const !== undefined) return schema.const;
  if (schema.enum !== undefined) return schema.enum[0];
  const options = alternatives(schema);
  if (options?.[0] !== undefined) return plausible(options[0], known, name);
  switch (typeOf(schema)) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(key) === true) value[key] = plausible(property, known, key);
      }
      return value;
    }
    case 'array':
      return schema.items === undefined ? [] : [plausible(schema.items, known, name)];
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'string':
      return schema.format === 'email' ? 'sweep@example.test' : 'x'.repeat(schema.minLength ?? 1);
    default:
      return 'x';
  }
}

/**
 * Text that stands for what a client typed (a name, an address): an error answer or a log
 * line that repeats a request's values shows it.
 */
export const ECHO_MARKER = 'echomarkerqv7t';

/** Edge values of any type: each replaces one field in turn. */
export const EDGE_VALUES: readonly unknown[] = [
  ECHO_MARKER,
  `${ECHO_MARKER}@example.test`,
  null,
  -1,
  0,
  1.5,
  2 ** 31,
  2 ** 53 + 2,
  1e308,
  -1e308,
  '',
  ' ',
  '0',
  '-1',
  'x'.repeat(20_000),
  '\u202e\u0301😀',
  "'; drop table orders; --",
  '../../etc/passwd',
  true,
  [],
  [null],
  {},
  { nested: { deeper: [1, 'two'] } },
];

/** Edge values of path and query parameters (as they appear in a URL, unencoded). */
export const EDGE_PARAMS: readonly string[] = [
  'x',
  ECHO_MARKER,
  '0',
  '-1',
  '1e999',
  '9'.repeat(40),
  'ord_0000000000000000000000000',
  'a'.repeat(3000),
  "1' or '1'='1",
  '..',
  '😀',
  ' ',
];

type Path = readonly (string | number)[];

/** The paths of every field inside `value`, objects and arrays alike, the value's own first. */
function fieldPaths(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = prefix.length === 0 ? [] : [prefix];
  if (Array.isArray(value)) {
    value.forEach((item, index) => paths.push(...fieldPaths(item, [...prefix, index])));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>))
      paths.push(...fieldPaths(item, [...prefix, key]));
  }
  return paths;
}

function replaced(value: unknown, path: Path, edge: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return edge;
  const copy = (
    Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }
  ) as Record<string | number, unknown>;
  copy[head] = replaced(copy[head], rest, edge);
  return copy;
}

/** The plausible body, then for each field, every edge value in its place. */
export function hostileBodies(schema: Schema, known: Plausible): unknown[] {
  const base = plausible(schema, known);
  const bodies: unknown[] = [base, ...EDGE_VALUES];
  for (const path of fieldPaths(base)) {
    for (const edge of EDGE_VALUES) bodies.push(replaced(base, path, edge));
  }
  return bodies;
}

/** The path with `{name}` parameters filled in, each value URL-encoded. */
export function fillPath(path: string, values: Readonly<Record<string, string>>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? 'x'));
}

/** A key as the privacy inventory compares them: no case, no `_` or `-`. */
export function normalKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/**
 * True when `value` holds the echo marker under a key (at any depth) that names personal
 * data, such as `email`, or the `line1` of a `shippingAddress`.
 */
export function markerInPersonalField(value: unknown, personal: ReadonlySet<string>): boolean {
  const walk = (item: unknown, personalAbove: boolean): boolean => {
    if (typeof item === 'string') return personalAbove && item.includes(ECHO_MARKER);
    if (Array.isArray(item)) return item.some((entry) => walk(entry, personalAbove));
    if (typeof item === 'object' && item !== null) {
      return Object.entries(item as Record<string, unknown>).some(([key, entry]) =>
        walk(entry, personalAbove || personal.has(normalKey(key))),
      );
    }
    return false;
  };
  return walk(value, false);
}
