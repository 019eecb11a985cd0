import { gcmOpen, gcmSeal, NONCE_BYTES, TAG_BYTES, type DataKey } from '../keys/index.js';

/** The first byte of every field ciphertext; a new format gets a new byte. */
export const FORMAT_V1 = 0x01;
const HEADER_BYTES = 5;
/** With the `u` flag this matches only surrogates without their pair. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Vault ciphertext: only the vault makes these, so a column typed Sealed holds no plaintext. */
export type Sealed = Buffer & { readonly __sealed: unique symbol };

/** Why a ciphertext could not be opened. */
export type OpenFailure = 'malformed' | 'key_mismatch' | 'tag_mismatch';

function header(keyId: number): Buffer {
  const bytes = Buffer.allocUnsafe(HEADER_BYTES);
  bytes[0] = FORMAT_V1;
  bytes.writeUInt32BE(keyId, 1);
  return bytes;
}

/** Associated data: the header and where the value lives (`table.column.rowId`). */
function associatedData(head: Buffer, location: string): Buffer {
  return Buffer.concat([head, Buffer.from(location, 'utf8')]);
}

/**
 * Encrypts one field value: version byte, key id, 96-bit random nonce, ciphertext, tag.
 * The location is bound as associated data, so the ciphertext opens only where it was
 * written.
 */
export function sealField(key: DataKey, location: string, plaintext: string): Sealed {
  // UTF-8 would turn a lone surrogate into U+FFFD: the value opened would not be the one
  // sealed. Refuse it instead of altering personal data silently.
  if (LONE_SURROGATE.test(plaintext))
    throw new TypeError('A personal value must be well-formed Unicode');
  const head = header(key.keyId);
  return gcmSeal(
    key.key,
    Buffer.from(plaintext, 'utf8'),
    associatedData(head, location),
    head,
  ) as Sealed;
}

/** The outcome of opening a ciphertext. */
export type Opened =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly reason: OpenFailure };

/** Decrypts one field value, or says why it cannot. */
export function openField(key: DataKey, location: string, sealed: Uint8Array): Opened {
  const bytes = Buffer.isBuffer(sealed) ? sealed : Buffer.from(sealed);
  if (bytes.length < HEADER_BYTES + NONCE_BYTES + TAG_BYTES || bytes[0] !== FORMAT_V1) {
    return { ok: false, reason: 'malformed' };
  }
  if (bytes.readUInt32BE(1) !== key.keyId) return { ok: false, reason: 'key_mismatch' };
  const head = bytes.subarray(0, HEADER_BYTES);
  const plaintext = gcmOpen(key.key, bytes, associatedData(head, location), HEADER_BYTES);
  return plaintext === undefined
    ? { ok: false, reason: 'tag_mismatch' }
    : { ok: true, value: plaintext.toString('utf8') };
}

/**
 * How field values become ciphertext and back. The vault uses AES_GCM_CODEC; the
 * interface exists so that a benchmark can measure what encryption costs a request.
 */
export interface FieldCodec {
  seal(key: DataKey, location: string, plaintext: string): Sealed;
  open(key: DataKey, location: string, sealed: Uint8Array): Opened;
}

/** The field codec of every vault: AES-256-GCM bound to the value's location. */
export const AES_GCM_CODEC: FieldCodec = Object.freeze({ seal: sealField, open: openField });
