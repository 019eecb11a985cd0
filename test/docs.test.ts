// The documentation tells the truth: every error code and every setting the code knows
// is documented, and the docs name nothing the code does not have.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../src/app/config.js';
import { ERROR_CATALOGS } from '../src/app/error-catalogs.js';
import { MIGRATIONS } from '../src/app/migrations.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('docs/errors.md', () => {
  const doc = read('docs/errors.md');
  // Rows look like: | `CODE` | 404 | what it means |
  const documented = new Map(
    [...doc.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]),
  );
  const specs = Object.values(ERROR_CATALOGS).flatMap((catalog) => Object.values(catalog));

  it('documents every error code with its status', () => {
    const missing = specs
      .filter((spec) => documented.get(spec.code) !== spec.status)
      .map((spec) => spec.code);
    expect(missing).toEqual([]);
  });

  it('documents no code that does not exist', () => {
    const known = new Set(specs.map((spec) => spec.code));
    expect([...documented.keys()].filter((code) => !known.has(code ?? ''))).toEqual([]);
  });

  it('has no code declared twice across catalogues', () => {
    const codes = specs.map((spec) => spec.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('docs/configuration.md', () => {
  const doc = read('docs/configuration.md');
  it('documents every setting', () => {
    expect(SETTING_NAMES.filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });
  it('documents no setting that does not exist', () => {
    const named = new Set([...doc.matchAll(/`(CUSTODIA_[A-Z_]+)`/g)].map((m) => m[1] ?? ''));
    const known = new Set([...SETTING_NAMES, 'CUSTODIA_CONFIG', 'CUSTODIA_TEST_DATABASE_URL']);
    expect([...named].filter((name) => !known.has(name))).toEqual([]);
  });
});

describe('migrations', () => {
  it('are numbered 0001, 0002, … in order, with unique names', () => {
    const numbers = MIGRATIONS.map((m) => Number(/^(\d{4})_[a-z0-9_]+$/.exec(m.name)?.[1]));
    expect(numbers).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });
});
