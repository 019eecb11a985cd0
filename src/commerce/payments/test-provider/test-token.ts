import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { CardFacts } from '../payment-provider.js';
import { CARD_BRANDS } from './card-number.js';
import { TEST_CARD_BEHAVIOURS, type TestCardBehaviour } from './test-cards.js';

/** Every test token starts with this, as a processor's tokens carry their own prefix. */
export const TEST_TOKEN_PREFIX = 'tok_test_';
/** How long a token can be used for an authorisation after it was issued. */
export const TEST_TOKEN_TTL_MS = 24 * 3_600_000;

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const PAYLOAD_BYTES = 11;
const AAD = Buffer.from('custodia test-payment token v1', 'utf8');

/** What a token stands for: the card facts a processor may reveal, and the test behaviour. */
export interface TokenContents {
  readonly card: CardFacts;
  readonly behaviour: TestCardBehaviour;
  readonly issuedAt: Date;
}

/**
 * Self-contained card tokens: the brand, last four digits, expiry and test behaviour,
 * encrypted and authenticated with AES-256-GCM under a key derived from the instance
 * secret. Nothing is stored when a token is issued, and nobody without the secret can
 * read a token or make one.
 */
export class TestTokenCodec {
  readonly #key: Buffer;

  constructor(instanceSecret: Buffer) {
    this.#key = Buffer.from(
      hkdfSync('sha256', instanceSecret, Buffer.alloc(0), 'custodia test-payment token key', 32),
    );
  }

  /** Issues a token for a card's facts and behaviour. */
  issue(contents: TokenContents): string {
    const payload = Buffer.alloc(PAYLOAD_BYTES);
    payload.writeUInt8(CARD_BRANDS.indexOf(contents.card.brand as (typeof CARD_BRANDS)[number]), 0);
    payload.writeUInt16BE(Number(contents.card.last4), 1);
    payload.writeUInt8(contents.card.expMonth, 3);
    payload.writeUInt16BE(contents.card.expYear, 4);
    payload.writeUInt8(TEST_CARD_BEHAVIOURS.indexOf(contents.behaviour), 6);
    payload.writeUInt32BE(Math.floor(contents.issuedAt.getTime() / 1000), 7);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce).setAAD(AAD);
    const sealed = Buffer.concat([
      Buffer.of(VERSION),
      nonce,
      cipher.update(payload),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return `${TEST_TOKEN_PREFIX}${sealed.toString('base64url')}`;
  }

  /** The contents of a token this installation issued; undefined for anything else. */
  open(token: string): TokenContents | undefined {
    if (!token.startsWith(TEST_TOKEN_PREFIX)) return undefined;
    const body = token.slice(TEST_TOKEN_PREFIX.length);
    if (!/^[A-Za-z0-9_-]+$/.test(body)) return undefined;
    const bytes = Buffer.from(body, 'base64url');
    // One spelling per token: spare bits in the last character would give it several.
    if (bytes.toString('base64url') !== body) return undefined;
    if (bytes.length !== 1 + NONCE_BYTES + PAYLOAD_BYTES + TAG_BYTES) return undefined;
    if (bytes[0] !== VERSION) return undefined;
    const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
    const ciphertext = bytes.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + PAYLOAD_BYTES);
    const tag = bytes.subarray(1 + NONCE_BYTES + PAYLOAD_BYTES);
    let payload: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce).setAAD(AAD);
      decipher.setAuthTag(tag);
      payload = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      return undefined;
    }
    const brand = CARD_BRANDS[payload.readUInt8(0)];
    const behaviour = TEST_CARD_BEHAVIOURS[payload.readUInt8(6)];
    if (brand === undefined || behaviour === undefined) return undefined;
    return {
      card: {
        brand,
        last4: String(payload.readUInt16BE(1)).padStart(4, '0'),
        expMonth: payload.readUInt8(3),
        expYear: payload.readUInt16BE(4),
      },
      behaviour,
      issuedAt: new Date(payload.readUInt32BE(7) * 1000),
    };
  }
}
