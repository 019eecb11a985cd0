// Leak scan (C2.1, C1.3): searches files, logs and PostgreSQL rows for synthetic plaintext markers.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';

/** How a marker was found: as text, as UTF-16LE text, inside base64(url) or inside hex. */
export type LeakEncoding = 'utf8' | 'utf16le' | 'base64' | 'hex';

/** One marker found in one place: a file path, `logs`, or `postgres:<table>`. */
export interface LeakFinding {
  readonly marker: string;
  readonly where: string;
  readonly encoding: LeakEncoding;
}

/**
 * What to scan. For SQLite, close the database (and the app) before scanning, so that
 * every committed page sits in a file that is no longer being written.
 */
export interface ScanOptions {
  readonly markers: readonly string[];
  /** Every file below it is read, recursively: the database, its -wal and -shm files, anything else. */
  readonly dataDir: string;
  /** Absolute paths never read, such as the keyring file and its `.shredded` journal. */
  readonly exclude?: readonly string[];
  /** Captured log text. */
  readonly logs?: string;
  /** PostgreSQL: every row of every table of the schema in the URL's search_path is scanned. */
  readonly databaseUrl?: string;
}

const MIN_MARKER_LENGTH = 8;

interface PreparedMarker {
  readonly marker: string;
  readonly lower: string;
  /** Stable base64 and base64url fragments, for every byte alignment and case variant. */
  readonly base64: readonly string[];
  /** Lower-case hex of every case variant. */
  readonly hex: readonly string[];
}

/** The characters of base64(k filler bytes + bytes) that depend on `bytes` alone. */
function stableBase64(bytes: Buffer, filler: number): string {
  const encoded = Buffer.concat([Buffer.alloc(filler), bytes]).toString('base64');
  const start = Math.ceil((8 * filler) / 6);
  const end = Math.floor((8 * (filler + bytes.length)) / 6);
  return encoded.slice(start, end);
}

function prepare(marker: string): PreparedMarker {
  if (marker.length < MIN_MARKER_LENGTH) {
    throw new Error(`A leak-scan marker needs at least ${MIN_MARKER_LENGTH} characters`);
  }
  const variants = [...new Set([marker, marker.toLowerCase(), marker.toUpperCase()])];
  const base64 = new Set<string>();
  const hex = new Set<string>();
  for (const variant of variants) {
    const bytes = Buffer.from(variant, 'utf8');
    hex.add(bytes.toString('hex'));
    for (const filler of [0, 1, 2]) {
      const fragment = stableBase64(bytes, filler);
      base64.add(fragment);
      base64.add(fragment.replaceAll('+', '-').replaceAll('/', '_'));
    }
  }
  return { marker, lower: marker.toLowerCase(), base64: [...base64], hex: [...hex] };
}

/** Every (marker, encoding) pair found in one byte string. */
function scanBytes(bytes: Buffer, markers: readonly PreparedMarker[]): Map<string, LeakEncoding[]> {
  const found = new Map<string, LeakEncoding[]>();
  if (bytes.length === 0) return found;
  const utf8 = bytes.toString('utf8').toLowerCase();
  const utf16 = [0, 1].map((offset) => bytes.subarray(offset).toString('utf16le').toLowerCase());
  const latin1 = bytes.toString('latin1');
  const latin1Lower = latin1.toLowerCase();
  for (const prepared of markers) {
    const encodings: LeakEncoding[] = [];
    if (utf8.includes(prepared.lower)) encodings.push('utf8');
    if (utf16.some((text) => text.includes(prepared.lower))) encodings.push('utf16le');
    if (prepared.base64.some((fragment) => latin1.includes(fragment))) encodings.push('base64');
    if (prepared.hex.some((digits) => latin1Lower.includes(digits))) encodings.push('hex');
    if (encodings.length > 0) found.set(prepared.marker, encodings);
  }
  return found;
}

/** Every file below `dir`, in a stable order. */
export function filesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...filesUnder(path));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}

/** A value of a PostgreSQL row as the bytes it holds: bytea as is, text as UTF-8. */
function valueBytes(value: unknown): Buffer | undefined {
  if (value === null || value === undefined) return undefined;
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof Date) return Buffer.from(value.toISOString(), 'utf8');
  if (typeof value === 'object') return Buffer.from(JSON.stringify(value), 'utf8');
  return Buffer.from(String(value as number | boolean | bigint), 'utf8');
}

async function scanPostgres(
  databaseUrl: string,
  record: (where: string, bytes: Buffer | undefined) => void,
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
        ORDER BY table_name`,
    );
    for (const { table_name } of tables.rows) {
      const rows = await client.query<Record<string, unknown>>(
        `SELECT * FROM ${pg.escapeIdentifier(table_name)}`,
      );
      for (const row of rows.rows) {
        for (const value of Object.values(row)) record(`postgres:${table_name}`, valueBytes(value));
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * Scans every file under `dataDir` (except `exclude`), the log text and, for
 * PostgreSQL, every row of the schema for each marker, case-insensitively, as UTF-8,
 * UTF-16LE, base64 or base64url at any byte alignment, and hex. Close the database first.
 */
export async function scanForMarkers(options: ScanOptions): Promise<LeakFinding[]> {
  const markers = options.markers.map(prepare);
  const seen = new Set<string>();
  const findings: LeakFinding[] = [];
  const record = (where: string, bytes: Buffer | undefined) => {
    if (bytes === undefined) return;
    for (const [marker, encodings] of scanBytes(bytes, markers)) {
      for (const encoding of encodings) {
        const key = JSON.stringify([marker, where, encoding]);
        if (seen.has(key)) continue;
        seen.add(key);
        findings.push({ marker, where, encoding });
      }
    }
  };
  const excluded = new Set((options.exclude ?? []).map((path) => resolve(path)));
  for (const file of filesUnder(resolve(options.dataDir))) {
    if (!excluded.has(file)) record(file, readFileSync(file));
  }
  if (options.logs !== undefined) record('logs', Buffer.from(options.logs, 'utf8'));
  if (options.databaseUrl !== undefined) await scanPostgres(options.databaseUrl, record);
  return findings;
}

/** A fresh synthetic marker, `mk-<label>-<16 hex>`: 64 random bits, never found by chance. */
export function uniqueMarker(label: string): string {
  const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `mk-${safe}-${randomBytes(8).toString('hex')}`;
}

/** Throws an Error listing every finding (marker, where, encoding); the markers are synthetic. */
export function assertNoLeaks(findings: readonly LeakFinding[]): void {
  if (findings.length === 0) return;
  const lines = findings.map((f) => `  ${f.marker} in ${f.where} as ${f.encoding}`);
  throw new Error(`${findings.length} plaintext marker(s) found at rest:\n${lines.join('\n')}`);
}
