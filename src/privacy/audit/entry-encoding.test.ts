// C3.3: the bytes a leaf hash covers are fixed by a documented format and differ for any
// two different rows, so no change to a stored field can keep its hash.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeEntry,
  ENTRY_FIELDS,
  entryLeafHash,
  type SealableEntry,
  type StoredValue,
} from './index.js';

const sample: SealableEntry = {
  seq: 7,
  id: 42,
  occurred_at: 1_772_359_200_123,
  actor_id: 'stf_a1',
  actor_role: 'support_agent',
  action: 'customer.read',
  purpose: 'customer_support',
  subject_id: null,
  categories: '["registration.email"]',
  decision: 'masked',
  request_id: null,
  outcome: 'success',
  detail: '{"fields":2}',
};

/** The format of entry-encoding.ts, written out independently. */
function expectedBytes(entry: SealableEntry): Buffer {
  const parts: Buffer[] = [Buffer.from([1])];
  for (const field of ENTRY_FIELDS) {
    const value = entry[field];
    if (value === null) parts.push(Buffer.from([0]));
    else if (typeof value === 'number') {
      const int = Buffer.alloc(8);
      int.writeBigInt64BE(BigInt(value));
      parts.push(Buffer.from([1]), int);
    } else if (typeof value === 'string') {
      const text = Buffer.from(value, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(text.length);
      parts.push(Buffer.from([2]), length, text);
    }
  }
  return Buffer.concat(parts);
}

const stored: fc.Arbitrary<StoredValue> = fc.oneof(
  fc.constant(null),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true }).filter((n) => !Number.isInteger(n)),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes)),
);

const entries = fc.record(
  Object.fromEntries(ENTRY_FIELDS.map((field) => [field, stored])) as Record<
    keyof SealableEntry,
    fc.Arbitrary<StoredValue>
  >,
);

describe('canonical entry encoding', () => {
  it('follows the documented format: version, then each field tagged and length-prefixed', () => {
    expect(encodeEntry(sample)).toEqual(expectedBytes(sample));
    expect(encodeEntry(sample).subarray(0, 10).toString('hex')).toBe('01010000000000000007');
    // Non-ASCII text is measured in bytes, not characters.
    const accented = { ...sample, actor_role: 'rôle' };
    expect(encodeEntry(accented)).toEqual(expectedBytes(accented));
  });

  it('writes text as UTF-8 at every length, ASCII or not, short or long', () => {
    for (const unit of ['a', 'é', '€', '\u{1F600}', '\uD800']) {
      for (const length of [0, 1, 127, 128, 129, 300]) {
        const text = 'x'.repeat(Math.max(0, length - 1)) + (length > 0 ? unit : '');
        const entry = { ...sample, detail: text, actor_id: unit + text };
        expect(encodeEntry(entry)).toEqual(expectedBytes(entry));
      }
    }
  });

  it('hashes as the RFC 6962 leaf H(0x00 ‖ entry)', () => {
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), expectedBytes(sample)]))
      .digest();
    expect(entryLeafHash(sample)).toEqual(expected);
  });

  it('tells NULL, empty text, zero, a number as text and a blob apart', () => {
    const variants: StoredValue[] = [null, '', 0, '0', 0.5, Buffer.alloc(0), 'null'];
    const encodings = variants.map((detail) => encodeEntry({ ...sample, detail }).toString('hex'));
    expect(new Set(encodings).size).toBe(variants.length);
  });

  it('gives different bytes to any two different rows, and the same bytes to the same row', () => {
    fc.assert(
      fc.property(entries, fc.constantFrom(...ENTRY_FIELDS), stored, (entry, field, value) => {
        expect(encodeEntry({ ...entry })).toEqual(encodeEntry(entry));
        const changed = { ...entry, [field]: value };
        const same =
          Buffer.isBuffer(value) && Buffer.isBuffer(entry[field])
            ? value.equals(entry[field])
            : Object.is(value, entry[field]) || (value === 0 && entry[field] === 0);
        expect(encodeEntry(changed).equals(encodeEntry(entry))).toBe(same);
      }),
      { numRuns: 1000 },
    );
  });

  it('cannot shift characters between neighbouring fields', () => {
    const a = encodeEntry({ ...sample, actor_id: 'stf_a1x', actor_role: 'support_agent' });
    const b = encodeEntry({ ...sample, actor_id: 'stf_a1', actor_role: 'xsupport_agent' });
    expect(a.equals(b)).toBe(false);
  });
});
