import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

const FORMAT = 'custodia-audit-signing-key/1';

/** The signing key pair as held in memory. */
export interface SigningKeyState {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly createdAt: string;
}

/** The raw 32-byte Ed25519 public key (RFC 8032), as carried in the file and the key id. */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  // An Ed25519 SPKI is a fixed 12-byte header followed by the raw key.
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
}

/** The key id: the first 16 hex digits of SHA-256 over the raw public key. */
export function publicKeyId(publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16);
}

/** An Ed25519 public key from its PEM (SPKI) text; undefined when it is anything else. */
export function parsePublicKeyPem(pem: string): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: pem, format: 'pem' });
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

const bodySchema = z.strictObject({
  format: z.literal(FORMAT),
  algorithm: z.literal('Ed25519'),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  privateKey: z.string().min(1),
  createdAt: z.string(),
});

const fileSchema = z.strictObject({ body: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The signing key file: a JSON body (format, algorithm, key id, raw public key in base64,
 * PKCS#8 private key in base64, creation time) and its SHA-256, as the keyring file is
 * kept, so truncation or a flipped bit is caught before the key signs anything.
 */
export function serializeSigningKey(state: SigningKeyState): string {
  const body = JSON.stringify({
    format: FORMAT,
    algorithm: 'Ed25519',
    keyId: state.keyId,
    publicKey: rawPublicKey(state.publicKey).toString('base64'),
    privateKey: state.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    createdAt: state.createdAt,
  });
  return `${JSON.stringify({ body, sha256: digest(body) }, null, 2)}\n`;
}

/**
 * Parses and checks a signing key file: checksum, format, that the private key is
 * Ed25519 and yields the stored public key, and that the key id is that key's. Undefined
 * when any check fails.
 */
export function parseSigningKeyFile(text: string): SigningKeyState | undefined {
  try {
    const file = fileSchema.parse(JSON.parse(text));
    if (digest(file.body) !== file.sha256) return undefined;
    const body = bodySchema.parse(JSON.parse(file.body));
    const privateKey = createPrivateKey({
      key: Buffer.from(body.privateKey, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    if (privateKey.asymmetricKeyType !== 'ed25519') return undefined;
    const publicKey = createPublicKey(privateKey);
    if (rawPublicKey(publicKey).toString('base64') !== body.publicKey) return undefined;
    if (publicKeyId(publicKey) !== body.keyId) return undefined;
    return { keyId: body.keyId, privateKey, publicKey, createdAt: body.createdAt };
  } catch {
    return undefined;
  }
}
