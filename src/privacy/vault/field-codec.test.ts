// C2.1: the field codec. Whatever is sealed opens again, byte for byte, only with its own
// key and only where it was written; any altered, cut or moved ciphertext is refused.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NONCE_BYTES, TAG_BYTES, type DataKey } from '../keys/index.js';
import { FORMAT_V1, openField, sealField, type OpenFailure } from './field-codec.js';

const HEADER_BYTES = 5;
const OVERHEAD = HEADER_BYTES + NONCE_BYTES + TAG_BYTES;

const dataKey = (keyId = 0x01020304): DataKey => ({ keyId, key: randomBytes(32) });

/** Any code point of the whole Unicode range (astral planes, controls, NUL, non-characters). */
const anyText = (maxLength: number) => fc.string({ unit: 'binary', maxLength });
const location = fc
  .tuple(
    fc.constantFrom('customers.email', 'orders.shipping_address', 'tickets.subject'),
    fc.uuid(),
  )
  .map(([field, row]) => `${field}.row-${row}`);

/** Which check a single altered byte must trip, by where the byte sits. */
function expectedFailure(index: number): OpenFailure {
  if (index === 0) return 'malformed';
  if (index < HEADER_BYTES) return 'key_mismatch';
  return 'tag_mismatch';
}

describe('field codec round trip (C2.1)', () => {
  const key = dataKey();

  it('opens every sealed string to exactly the same string (1,000 runs)', () => {
    fc.assert(
      fc.property(anyText(2048), location, (text, where) => {
        const sealed = sealField(key, where, text);
        expect(sealed.length).toBe(OVERHEAD + Buffer.byteLength(text, 'utf8'));
        expect(openField(key, where, sealed)).toEqual({ ok: true, value: text });
      }),
      { numRuns: 1000 },
    );
  });

  it('opens values from empty to 64 KiB of code points', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 65_536 })
          .chain((length) => fc.string({ unit: 'binary', minLength: length, maxLength: length })),
        (text) => {
          const sealed = sealField(key, 'ticket_messages.body.row-1', text);
          const opened = openField(key, 'ticket_messages.body.row-1', sealed);
          expect(opened.ok && opened.value === text).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
    for (const text of ['', 'a'.repeat(65_536), '😀'.repeat(16_384), '\u0000'.repeat(1000)]) {
      const opened = openField(key, 'tickets.subject.r', sealField(key, 'tickets.subject.r', text));
      expect(opened).toEqual({ ok: true, value: text });
    }
  });

  it('opens a ciphertext handed over as a plain Uint8Array, as a driver may return it', () => {
    const sealed = sealField(key, 'customers.name.r1', 'Ada Lovelace');
    expect(openField(key, 'customers.name.r1', new Uint8Array(sealed))).toEqual({
      ok: true,
      value: 'Ada Lovelace',
    });
  });

  it('writes the version byte and key id first, and a fresh nonce every time', () => {
    const sealed = [1, 2, 3].map(() => sealField(key, 'customers.email.r1', 'same@example.test'));
    for (const bytes of sealed) {
      expect(bytes[0]).toBe(FORMAT_V1);
      expect(bytes.readUInt32BE(1)).toBe(key.keyId);
    }
    const nonces = sealed.map((bytes) =>
      bytes.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES).toString('hex'),
    );
    expect(new Set(nonces).size).toBe(3);
    expect(new Set(sealed.map((bytes) => bytes.toString('hex'))).size).toBe(3);
  });

  it('refuses a string that is not well-formed Unicode rather than altering it', () => {
    for (const text of ['\uD800', 'a\uDFFFb', 'x\uDBFF']) {
      expect(() => sealField(key, 'customers.name.r1', text)).toThrow(/well-formed Unicode/);
    }
  });
});

describe('field codec refuses tampered ciphertexts (C2.1)', () => {
  const key = dataKey();

  it('refuses any single flipped byte, with the failure of the part it hit (1,000 runs)', () => {
    fc.assert(
      fc.property(
        anyText(256),
        location,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (text, where, at, mask) => {
          const sealed = Buffer.from(sealField(key, where, text));
          const index = at % sealed.length;
          sealed[index] = (sealed[index] ?? 0) ^ mask;
          expect(openField(key, where, sealed)).toEqual({
            ok: false,
            reason: expectedFailure(index),
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuses every byte position of one ciphertext: version, key id, nonce, body, tag', () => {
    const where = 'orders.billing_address.row-7';
    const sealed = sealField(key, where, '1 Example Street, Testville');
    const regions = new Set<OpenFailure>();
    for (let index = 0; index < sealed.length; index++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const altered = Buffer.from(sealed);
        altered[index] = (altered[index] ?? 0) ^ mask;
        const opened = openField(key, where, altered);
        expect(opened, `byte ${index}`).toEqual({ ok: false, reason: expectedFailure(index) });
        if (!opened.ok) regions.add(opened.reason);
      }
    }
    expect([...regions].sort()).toEqual(['key_mismatch', 'malformed', 'tag_mismatch']);
  });

  it('refuses every truncation and any appended bytes', () => {
    const where = 'customers.phone.row-1';
    const sealed = sealField(key, where, '+44 20 7946 0000');
    for (let length = 0; length < sealed.length; length++) {
      const opened = openField(key, where, sealed.subarray(0, length));
      expect(opened.ok, `cut at ${length}`).toBe(false);
      if (length < OVERHEAD) expect(opened).toEqual({ ok: false, reason: 'malformed' });
    }
    for (const extra of [Buffer.from([0]), randomBytes(16)]) {
      expect(openField(key, where, Buffer.concat([sealed, extra])).ok).toBe(false);
    }
  });

  it('refuses a ciphertext opened at another location: row, column or table (1,000 runs)', () => {
    fc.assert(
      fc.property(anyText(64), location, location, (text, from, to) => {
        fc.pre(from !== to);
        expect(openField(key, to, sealField(key, from, text))).toEqual({
          ok: false,
          reason: 'tag_mismatch',
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses another key: a different key id, or the same id with other key bytes', () => {
    const sealed = sealField(key, 'customers.email.r1', 'someone@example.test');
    expect(openField(dataKey(key.keyId + 1), 'customers.email.r1', sealed)).toEqual({
      ok: false,
      reason: 'key_mismatch',
    });
    expect(openField(dataKey(key.keyId), 'customers.email.r1', sealed)).toEqual({
      ok: false,
      reason: 'tag_mismatch',
    });
  });

  it('refuses another format version even with a valid key id', () => {
    const sealed = Buffer.from(sealField(key, 'customers.email.r1', 'v@example.test'));
    sealed[0] = 0x02;
    expect(openField(key, 'customers.email.r1', sealed)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});
