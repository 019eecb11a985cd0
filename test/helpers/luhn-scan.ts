// Luhn scan (C2.5): searches files and PostgreSQL rows for anything shaped like a card
// number, and reports where without ever reporting the digits.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { passesLuhn } from '../../src/commerce/payments/index.js';
import { filesUnder } from './leak-scan.js';

/** How the digits were written: one byte per digit, or UTF-16LE (either byte alignment). */
export type LuhnEncoding = 'ascii' | 'utf16le';

/** One card-number-shaped run: where it is, never what it is. */
export interface LuhnFinding {
  /** A file path, or `postgres:<table>.<column>`. */
  readonly where: string;
  /** The row's position in the table scan (PostgreSQL only). */
  readonly row?: number;
  /** Byte offset of the first digit in the file or value. */
  readonly offset: number;
  readonly encoding: LuhnEncoding;
  /** How many digits the run has. */
  readonly digits: number;
}

/** What to scan; close a SQLite database first, so every committed page is in a file. */
export interface LuhnScanOptions {
  /** Every file below it is read, recursively, as bytes. */
  readonly dir?: string;
  /** Absolute paths never read. */
  readonly exclude?: readonly string[];
  /** PostgreSQL: the rows of `tables` (every table of the URL's schema when absent). */
  readonly databaseUrl?: string;
  readonly tables?: readonly string[];
}

const MIN_DIGITS = 13;
const MAX_DIGITS = 19;
// Runs of digit groups separated by single spaces or dashes, as card numbers are written.
const RUN = /\d+(?:[ -]\d+)*/g;
const HEX = /[0-9A-Fa-f]/;
// A run inside a hex string this long is part of a hash, not a number someone wrote.
const HEX_CONTEXT = 32;

/**
 * True for digits that could be a payment card number: 13 to 19 digits, a payment
 * industry's first digit (2 to 6: Mastercard, Amex, Diners, JCB, Visa, Discover,
 * UnionPay), and a passing Luhn check. The first-digit rule keeps millisecond timestamps
 * (which start with 1) from being taken for cards.
 */
function cardShaped(digits: string): boolean {
  return (
    digits.length >= MIN_DIGITS &&
    digits.length <= MAX_DIGITS &&
    digits[0] !== undefined &&
    digits[0] >= '2' &&
    digits[0] <= '6' &&
    passesLuhn(digits)
  );
}

/** Length of the hex string a run at [start, end) sits in. */
function hexContext(text: string, start: number, end: number): number {
  let left = start;
  while (left > 0 && HEX.test(text[left - 1] ?? '')) left -= 1;
  let right = end;
  while (right < text.length && HEX.test(text[right] ?? '')) right += 1;
  return right - left;
}

/** Character offsets and lengths of the card-shaped numbers in one run of digit groups. */
function cardsInRun(text: string, run: string, at: number): { index: number; digits: number }[] {
  const groups: { index: number; digits: string }[] = [];
  for (const match of run.matchAll(/\d+/g)) {
    groups.push({ index: at + match.index, digits: match[0] });
  }
  const found: { index: number; digits: number }[] = [];
  // A number written bare: the whole group, unless it is part of a hex string (a hash).
  for (const group of groups) {
    const end = group.index + group.digits.length;
    if (cardShaped(group.digits) && hexContext(text, group.index, end) < HEX_CONTEXT) {
      found.push({ index: group.index, digits: group.digits.length });
    }
  }
  // A number written in groups, as cards print it (4-4-4-4, 4-6-5, 4-6-4, 4-4-4-4-3): a
  // group of four, then groups of three to six, up to 19 digits.
  for (let first = 0; first < groups.length; first += 1) {
    if (groups[first]?.digits.length !== 4) continue;
    let digits = groups[first]?.digits ?? '';
    for (let last = first + 1; last < groups.length; last += 1) {
      const next = groups[last]?.digits ?? '';
      if (next.length < 3 || next.length > 6 || digits.length + next.length > MAX_DIGITS) break;
      digits += next;
      if (cardShaped(digits)) {
        found.push({ index: groups[first]?.index ?? at, digits: digits.length });
        break; // one finding per starting group is enough to say where
      }
    }
  }
  return found;
}

/** Every card-shaped number in one byte string, as (offset, encoding, digits). */
export function findCardNumbers(
  bytes: Buffer,
): { offset: number; encoding: LuhnEncoding; digits: number }[] {
  const found: { offset: number; encoding: LuhnEncoding; digits: number }[] = [];
  const views: { text: string; encoding: LuhnEncoding; offsetOf: (index: number) => number }[] = [
    // latin1 maps every byte to one character, so binary files decode without loss.
    { text: bytes.toString('latin1'), encoding: 'ascii', offsetOf: (index) => index },
    ...[0, 1].map((shift) => ({
      text: bytes.subarray(shift).toString('utf16le'),
      encoding: 'utf16le' as const,
      offsetOf: (index: number) => shift + 2 * index,
    })),
  ];
  for (const view of views) {
    for (const match of view.text.matchAll(RUN)) {
      if (match[0].replace(/[ -]/g, '').length < MIN_DIGITS) continue;
      for (const card of cardsInRun(view.text, match[0], match.index)) {
        found.push({
          offset: view.offsetOf(card.index),
          encoding: view.encoding,
          digits: card.digits,
        });
      }
    }
  }
  return found;
}

// Numeric, boolean and time columns hold numbers, not text anyone typed; the driver hands
// int8 back as a string, which would otherwise look like a run of digits.
const NUMERIC_TYPES = new Set([16, 20, 21, 23, 26, 700, 701, 1082, 1083, 1114, 1184, 1700]);

/** A PostgreSQL value as the bytes it holds: bytea as is, text as UTF-8, JSON as its text. */
function valueBytes(value: unknown): Buffer | undefined {
  if (value === null || value === undefined) return undefined;
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (typeof value === 'object') return Buffer.from(JSON.stringify(value), 'utf8');
  return undefined;
}

async function scanPostgres(
  databaseUrl: string,
  tables: readonly string[] | undefined,
  findings: LuhnFinding[],
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const names =
      tables ??
      (
        await client.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
            ORDER BY table_name`,
        )
      ).rows.map((row) => row.table_name);
    for (const table of names) {
      const result = await client.query<Record<string, unknown>>(
        `SELECT * FROM ${pg.escapeIdentifier(table)}`,
      );
      const textColumns = result.fields.filter((field) => !NUMERIC_TYPES.has(field.dataTypeID));
      result.rows.forEach((row, index) => {
        for (const { name } of textColumns) {
          const bytes = valueBytes(row[name]);
          if (bytes === undefined) continue;
          for (const hit of findCardNumbers(bytes)) {
            findings.push({ where: `postgres:${table}.${name}`, row: index, ...hit });
          }
        }
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * Scans every file under `dir` (except `exclude`) and, for PostgreSQL, every row of the
 * given tables for card-shaped numbers: 13 to 19 digits, bare or in groups separated by
 * spaces or dashes, as single bytes or UTF-16LE, passing the Luhn check.
 */
export async function scanForCardNumbers(options: LuhnScanOptions): Promise<LuhnFinding[]> {
  const findings: LuhnFinding[] = [];
  if (options.dir !== undefined) {
    const excluded = new Set((options.exclude ?? []).map((path) => resolve(path)));
    for (const file of filesUnder(resolve(options.dir))) {
      if (excluded.has(file)) continue;
      for (const hit of findCardNumbers(readFileSync(file))) findings.push({ where: file, ...hit });
    }
  }
  if (options.databaseUrl !== undefined) {
    await scanPostgres(options.databaseUrl, options.tables, findings);
  }
  return findings;
}

/** Throws an Error listing every finding by place and offset; the digits are never shown. */
export function assertNoCardNumbers(findings: readonly LuhnFinding[]): void {
  if (findings.length === 0) return;
  const lines = findings.map(
    (f) =>
      `  ${f.digits} digits in ${f.where}${f.row === undefined ? '' : ` row ${f.row}`} at offset ${f.offset} (${f.encoding})`,
  );
  throw new Error(`${findings.length} card-shaped number(s) found at rest:\n${lines.join('\n')}`);
}
