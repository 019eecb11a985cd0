import { sha256 } from './merkle-hash.js';

/** A value as a database column returns it. */
export type StoredValue = string | number | bigint | Buffer | null;

/**
 * Every stored field of an audit event, as read back from `audit_events`, plus its place
 * in the sealed log. Values are hashed as stored, never re-serialised, so any change to
 * what the table holds (a character, a type, a null) changes the hash.
 */
export interface SealableEntry {
  readonly seq: StoredValue;
  readonly id: StoredValue;
  readonly occurred_at: StoredValue;
  readonly actor_id: StoredValue;
  readonly actor_role: StoredValue;
  readonly action: StoredValue;
  readonly purpose: StoredValue;
  readonly subject_id: StoredValue;
  readonly categories: StoredValue;
  readonly decision: StoredValue;
  readonly request_id: StoredValue;
  readonly outcome: StoredValue;
  readonly detail: StoredValue;
}

/** The stored columns an entry's leaf hash covers besides its seq, in encoding order. */
export const ENTRY_COLUMNS = [
  'id',
  'occurred_at',
  'actor_id',
  'actor_role',
  'action',
  'purpose',
  'subject_id',
  'categories',
  'decision',
  'request_id',
  'outcome',
  'detail',
] as const;

/** The fields in the order they are encoded; part of the format, never reordered. */
export const ENTRY_FIELDS: readonly (keyof SealableEntry)[] = Object.freeze([
  'seq',
  ...ENTRY_COLUMNS,
]);

/** The first byte of an encoded entry; a new layout would take a new version. */
export const ENTRY_FORMAT_VERSION = 1;

const TAG_NULL = 0x00;
const TAG_INTEGER = 0x01;
const TAG_TEXT = 0x02;
const TAG_REAL = 0x03;
const TAG_BYTES = 0x04;

/*
 * Canonical entry encoding, format version 1 (the bytes the leaf hash covers):
 *
 *   entry = 0x01 ‖ value(seq) ‖ value(id) ‖ value(occurred_at) ‖ value(actor_id)
 *           ‖ value(actor_role) ‖ value(action) ‖ value(purpose) ‖ value(subject_id)
 *           ‖ value(categories) ‖ value(decision) ‖ value(request_id) ‖ value(outcome)
 *           ‖ value(detail)
 *
 *   value = 0x00                                    SQL NULL
 *         | 0x01 ‖ int64, big-endian two's complement   integer
 *         | 0x02 ‖ uint32 big-endian byte length ‖ UTF-8  text
 *         | 0x03 ‖ float64, big-endian                  non-integral number
 *         | 0x04 ‖ uint32 big-endian byte length ‖ bytes  blob
 *
 * Every value carries its type and every variable part its length, so no two different
 * rows encode to the same bytes (a field cannot borrow characters from its neighbour,
 * and NULL differs from '' and from 0). Custodia writes only integers, text and NULL;
 * the other tags exist so that a value an intruder wrote with another type is still
 * encoded, and detected, rather than crashing the verifier. `categories` and `detail`
 * are hashed as the JSON text stored, not re-serialised.
 */

// Room for a value before its text is measured: a UTF-16 code unit is at most 3 bytes of
// UTF-8, so sizing by this bound lets each string be written in one pass, unmeasured.
function valueBound(value: StoredValue): number {
  if (value === null) return 1;
  if (typeof value === 'string') return 5 + 3 * value.length;
  if (Buffer.isBuffer(value)) return 5 + value.length;
  return 9;
}

const TWO_32 = 2 ** 32;
// Below this many characters a JavaScript loop beats a call into the UTF-8 encoder.
const SHORT_TEXT = 128;

/**
 * Writes `text` as UTF-8 at `at` and returns its byte length. Short ASCII text, which is
 * nearly every stored field, is copied code unit by code unit (ASCII is its own UTF-8);
 * anything else goes to the UTF-8 encoder, so the bytes are the same either way.
 */
export function writeText(out: Buffer, at: number, text: string): number {
  const length = text.length;
  if (length <= SHORT_TEXT) {
    let i = 0;
    for (; i < length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0x80) break;
      out[at + i] = unit;
    }
    if (i === length) return length;
  }
  return out.write(text, at, 'utf8');
}

function writeValue(out: Buffer, at: number, value: StoredValue): number {
  if (value === null) {
    out[at] = TAG_NULL;
    return at + 1;
  }
  if (typeof value === 'string') {
    out[at] = TAG_TEXT;
    const length = writeText(out, at + 5, value);
    out.writeUInt32BE(length, at + 1);
    return at + 5 + length;
  }
  if (Buffer.isBuffer(value)) {
    out[at] = TAG_BYTES;
    out.writeUInt32BE(value.length, at + 1);
    value.copy(out, at + 5);
    return at + 5 + value.length;
  }
  if (typeof value === 'bigint') {
    out[at] = TAG_INTEGER;
    out.writeBigInt64BE(BigInt.asIntN(64, value), at + 1);
    return at + 9;
  }
  if (Number.isSafeInteger(value)) {
    // Two's complement in two 32-bit halves: the same bytes as int64, without a BigInt.
    const high = Math.floor(value / TWO_32);
    out[at] = TAG_INTEGER;
    out.writeInt32BE(high, at + 1);
    out.writeUInt32BE(value - high * TWO_32, at + 5);
    return at + 9;
  }
  out[at] = TAG_REAL;
  out.writeDoubleBE(value, at + 1);
  return at + 9;
}

/** Writes the entry after `prefix` bytes of `out` (grown when short); returns the buffer and the end. */
function encodeAfter(entry: SealableEntry, prefix: number, out: Buffer): [Buffer, number] {
  let bound = prefix + 1;
  for (const field of ENTRY_FIELDS) bound += valueBound(entry[field]);
  const target = out.length >= bound ? out : Buffer.allocUnsafe(Math.max(bound, out.length * 2));
  target[prefix] = ENTRY_FORMAT_VERSION;
  let at = prefix + 1;
  for (const field of ENTRY_FIELDS) at = writeValue(target, at, entry[field]);
  return [target, at];
}

/** The canonical bytes of a stored entry (format above). */
export function encodeEntry(entry: SealableEntry): Buffer {
  const [out, end] = encodeAfter(entry, 0, Buffer.allocUnsafe(0));
  return Buffer.from(out.subarray(0, end));
}

// Leaf hashing runs once per entry when sealing and verifying: encode into one reused
// buffer, after the 0x00 leaf prefix, and hash it in place. Hashing copies nothing out,
// so reuse is safe (everything here is synchronous).
let scratch: Buffer = Buffer.allocUnsafe(4096);

/** The RFC 6962 leaf hash of a stored entry: H(0x00 ‖ encodeEntry(entry)). */
export function entryLeafHash(entry: SealableEntry): Buffer {
  const [out, end] = encodeAfter(entry, 1, scratch);
  scratch = out;
  out[0] = 0x00;
  return sha256(out.subarray(0, end));
}
