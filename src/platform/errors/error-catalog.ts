/** Log levels an error may be reported at. */
export type ErrorLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One documented error: a stable code, the HTTP status it maps to, how loudly it is logged. */
export interface ErrorSpec {
  readonly code: string;
  readonly status: number;
  readonly level: ErrorLogLevel;
  /** A fixed, safe message: never personal data, never a secret. */
  readonly message: string;
}

type SpecInput = Omit<ErrorSpec, 'code'>;

/** A module's catalogue of error codes; every code in it must appear in docs/errors.md. */
export type ErrorCatalog<K extends string = string> = {
  readonly [P in K]: ErrorSpec & { readonly code: P };
};

/**
 * Declares a module's errors once, keyed by their stable code, so that handlers, docs and
 * tests all read the same table.
 */
export function defineErrors<const T extends Record<string, SpecInput>>(
  specs: T,
): ErrorCatalog<Extract<keyof T, string>> {
  const entries = Object.entries(specs).map(([code, spec]) => {
    if (!/^[A-Z][A-Z0-9_]*$/.test(code))
      throw new Error(`Error code ${code} is not UPPER_SNAKE_CASE`);
    // The key is the code: a `code` smuggled into the spec must not override it.
    return [code, Object.freeze({ ...spec, code })] as const;
  });
  return Object.freeze(Object.fromEntries(entries)) as ErrorCatalog<Extract<keyof T, string>>;
}
