import { hash } from 'node:crypto';
import type { SqliteArrayReader } from '../../platform/db/index.js';
import { ENTRY_COLUMNS, ENTRY_FORMAT_VERSION, writeText } from './entry-encoding.js';
import { copyHash } from './flat-frontier.js';
import { HASH_BYTES } from './merkle-hash.js';

// This module runs in the verifier's worker threads as well as on the main thread: it
// imports node:crypto and a few small modules of this one, never the query layer, so
// that a thread starts quickly.

/**
 * The select list of an entry row, in this order: seq, the encoded columns, then the
 * stored leaf and chain hashes as lower-case hex (`hexOf`), which are cheaper to read and
 * to compare than buffers.
 */
export const ENTRY_ROW_COLUMNS = ['seq', ...ENTRY_COLUMNS] as const;
const LEAF_HEX = ENTRY_ROW_COLUMNS.length;
const CHAIN_HEX = LEAF_HEX + 1;

/** What the recomputation says of one entry, in the order the verifier checks. */
export const Verdict = { ok: 0, leafMismatch: 1, chainMismatch: 2 } as const;

/** Entries checked in log order: their seqs, verdicts, and the leaf and chain hashes recomputed. */
export interface CheckedEntries {
  readonly count: number;
  readonly seqs: Float64Array;
  readonly verdicts: Uint8Array;
  /** 32 bytes per entry. */
  readonly leaves: Buffer;
  /** 32 bytes per entry: the chain hash recomputed from the seed and the leaves. */
  readonly chains: Buffer;
}

// One allocation per batch, transferable between threads as it is: seqs (8 bytes each,
// first for alignment), leaves, chains, verdicts.
const BYTES_PER_ENTRY = 8 + 2 * HASH_BYTES + 1;

/** The entries' views over one buffer, as `checkRows` lays it out. */
export function checkedEntriesIn(buffer: ArrayBuffer, count: number): CheckedEntries {
  return {
    count,
    seqs: new Float64Array(buffer, 0, count),
    leaves: Buffer.from(buffer, 8 * count, HASH_BYTES * count),
    chains: Buffer.from(buffer, (8 + HASH_BYTES) * count, HASH_BYTES * count),
    verdicts: new Uint8Array(buffer, (8 + 2 * HASH_BYTES) * count, count),
  };
}

const TAG_NULL = 0x00;
const TAG_INTEGER = 0x01;
const TAG_TEXT = 0x02;
const TAG_REAL = 0x03;
const TAG_BYTES = 0x04;
const TWO_32 = 2 ** 32;

/*
 * The canonical entry encoding of entry-encoding.ts (format version 1), written from a row
 * array instead of an object; the same bytes for every value, which the tests check
 * against `encodeEntry`. The verifier encodes every entry, so this one allocates nothing:
 * it writes after the leaf prefix into one buffer that grows when a row needs more.
 */
let scratch = Buffer.allocUnsafe(4096);

function room(at: number, bytes: number): void {
  if (at + bytes <= scratch.length) return;
  const grown = Buffer.allocUnsafe(Math.max(at + bytes, 2 * scratch.length));
  scratch.copy(grown, 0, 0, at);
  scratch = grown;
}

// Byte by byte: Buffer's writeUInt32BE checks its arguments, a cost paid twice per entry.
function writeUint32(at: number, value: number): void {
  scratch[at] = value >>> 24;
  scratch[at + 1] = (value >>> 16) & 0xff;
  scratch[at + 2] = (value >>> 8) & 0xff;
  scratch[at + 3] = value & 0xff;
}

function writeValue(at: number, value: unknown): number {
  if (value === null) {
    room(at, 1);
    scratch[at] = TAG_NULL;
    return at + 1;
  }
  if (typeof value === 'string') {
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    room(at, 5 + 3 * value.length);
    scratch[at] = TAG_TEXT;
    const length = writeText(scratch, at + 5, value);
    writeUint32(at + 1, length);
    return at + 5 + length;
  }
  if (Buffer.isBuffer(value)) {
    room(at, 5 + value.length);
    scratch[at] = TAG_BYTES;
    writeUint32(at + 1, value.length);
    value.copy(scratch, at + 5);
    return at + 5 + value.length;
  }
  room(at, 9);
  if (typeof value === 'bigint') {
    scratch[at] = TAG_INTEGER;
    scratch.writeBigInt64BE(BigInt.asIntN(64, value), at + 1);
    return at + 9;
  }
  if (Number.isSafeInteger(value)) {
    const number = value as number;
    const high = Math.floor(number / TWO_32);
    scratch[at] = TAG_INTEGER;
    writeUint32(at + 1, high >>> 0);
    writeUint32(at + 5, number - high * TWO_32);
    return at + 9;
  }
  scratch[at] = TAG_REAL;
  scratch.writeDoubleBE(value as number, at + 1);
  return at + 9;
}

/** H(0x00 ‖ entry) of a row in ENTRY_ROW_COLUMNS order, as hex. */
export function rowLeafHex(row: readonly unknown[]): string {
  room(0, 2);
  scratch[0] = 0x00;
  scratch[1] = ENTRY_FORMAT_VERSION;
  let at = 2;
  for (let i = 0; i < LEAF_HEX; i++) at = writeValue(at, row[i]);
  return hash('sha256', scratch.subarray(0, at), 'hex');
}

// chain_n = H(chain_{n-1} ‖ leaf_n): the previous chain hash, then the leaf, in one buffer.
const link = Buffer.alloc(2 * HASH_BYTES);

/**
 * Recomputes the leaf and chain hash of each row (ENTRY_ROW_COLUMNS, then the stored leaf
 * and chain hash in hex) and compares them with the stored ones. `seed` is the chain hash
 * before the first row, in hex. Every row is judged as if the ones before it matched:
 * the verifier stops at the first that does not, so later verdicts never count.
 */
export function checkRows(rows: readonly (readonly unknown[])[], seed: string): CheckedEntries {
  const entries = checkedEntriesIn(new ArrayBuffer(BYTES_PER_ENTRY * rows.length), rows.length);
  link.fill(0);
  link.write(seed, 0, 'hex');
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] ?? [];
    const at = i * HASH_BYTES;
    entries.seqs[i] = Number(row[0]);
    const leaf = rowLeafHex(row);
    entries.leaves.write(leaf, at, 'hex');
    copyHash(entries.leaves, at, link, HASH_BYTES);
    const chain = hash('sha256', link, 'hex');
    entries.chains.write(chain, at, 'hex');
    copyHash(entries.chains, at, link, 0);
    entries.verdicts[i] =
      leaf !== row[LEAF_HEX]
        ? Verdict.leafMismatch
        : chain !== row[CHAIN_HEX]
          ? Verdict.chainMismatch
          : Verdict.ok;
  }
  return entries;
}

/** A compiled query and its parameters, as plain data a worker thread can receive. */
export interface PlainQuery {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** One stretch of the log to check: its rows, and the chain hash before them (or how to read it). */
export interface EntryChunk {
  readonly rows: PlainQuery;
  /** The chain hash before the first row, in hex; or a query whose one value is that hex. */
  readonly seed: string | PlainQuery;
}

/** Reads and checks one chunk on `reader`'s connection. */
export function checkChunk(reader: SqliteArrayReader, chunk: EntryChunk): CheckedEntries {
  let seed = chunk.seed;
  if (typeof seed !== 'string') {
    const value = reader.all(seed.sql, seed.parameters)[0]?.[0];
    seed = typeof value === 'string' ? value : '';
  }
  return checkRows(reader.all(chunk.rows.sql, chunk.rows.parameters), seed);
}
