import { CATEGORIES, type Category } from './categories.js';
import type { PersonalField } from './field-spec.js';
import { NON_PERSONAL_COLUMNS } from './non-personal-columns.js';
import { PERSONAL_FIELDS, type PersonalFieldName } from './personal-fields.js';
import { PURPOSES, type Purpose } from './purposes.js';

const SNAKE = /^[a-z][a-z0-9_]*$/;

function toField(name: string, spec: (typeof PERSONAL_FIELDS)[PersonalFieldName]): PersonalField {
  const [table = '', column = ''] = name.split('.');
  return Object.freeze({ ...spec, name, table, column });
}

/** Problems in a set of declarations; empty when they are coherent. */
export function inventoryProblems(
  fields: readonly PersonalField[],
  nonPersonal: Readonly<Record<string, Readonly<Record<string, string>>>>,
): string[] {
  const problems: string[] = [];
  for (const field of fields) {
    if (!SNAKE.test(field.table) || !SNAKE.test(field.column))
      problems.push(`${field.name}: not table.column`);
    if (field.purposes.length === 0) problems.push(`${field.name}: no purpose`);
    for (const purpose of field.purposes) {
      if (!(PURPOSES as readonly string[]).includes(purpose))
        problems.push(`${field.name}: unknown purpose ${purpose}`);
    }
    if (!(field.category in CATEGORIES)) problems.push(`${field.name}: unknown category`);
    if (nonPersonal[field.table]?.[field.column] !== undefined) {
      problems.push(`${field.name}: declared both personal and non-personal`);
    }
    if (field.aliases.length === 0) problems.push(`${field.name}: no API alias`);
  }
  return problems;
}

const FIELDS: readonly PersonalField[] = Object.freeze(
  Object.entries(PERSONAL_FIELDS).map(([name, spec]) => toField(name, spec)),
);
const BY_NAME = new Map(FIELDS.map((field) => [field.name, field]));

{
  const problems = inventoryProblems(FIELDS, NON_PERSONAL_COLUMNS);
  if (problems.length > 0) throw new Error(`Invalid privacy inventory: ${problems.join('; ')}`);
}

/** Every declared personal field. */
export function personalFields(): readonly PersonalField[] {
  return FIELDS;
}

/** The declaration of one personal field. */
export function personalField(name: PersonalFieldName): PersonalField {
  const field = BY_NAME.get(name);
  if (field === undefined) throw new Error(`Undeclared personal field ${name}`);
  return field;
}

/** True when `name` is a declared personal field. */
export function isPersonalFieldName(name: string): name is PersonalFieldName {
  return BY_NAME.has(name);
}

/** Fields of one category, for grants and export. */
export function fieldsInCategory(category: Category): readonly PersonalField[] {
  return FIELDS.filter((field) => field.category === category);
}

/** True when the field may be used for the purpose (C1.4). */
export function allowsPurpose(name: PersonalFieldName, purpose: Purpose): boolean {
  return personalField(name).purposes.includes(purpose);
}

/** How every database column is declared: personal, non-personal with a reason, or not at all. */
export function columnDeclaration(
  table: string,
  column: string,
): 'personal' | 'non_personal' | undefined {
  if (BY_NAME.has(`${table}.${column}`)) return 'personal';
  if (NON_PERSONAL_COLUMNS[table]?.[column] !== undefined) return 'non_personal';
  return undefined;
}

/**
 * Names to redact from log lines at any depth: the column and every API alias of each
 * personal field. The logger receives these at startup.
 */
export function personalLogKeys(): readonly string[] {
  const keys = new Set<string>();
  for (const field of FIELDS) {
    keys.add(field.column);
    for (const alias of field.aliases) keys.add(alias);
  }
  return [...keys].sort();
}
