// Test-provider tokens: they carry the card facts, open only under their own secret, and
// any change to one makes it unreadable.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TEST_TOKEN_PREFIX, TestTokenCodec, type TokenContents } from './test-token.js';

const contents: TokenContents = {
  card: { brand: 'amex', last4: '0005', expMonth: 7, expYear: 2031 },
  behaviour: 'refund_fails',
  issuedAt: new Date('2026-03-04T05:06:07Z'),
};

describe('test tokens', () => {
  const codec = new TestTokenCodec(randomBytes(32));

  it('round-trips the card facts and behaviour, to the second', () => {
    const token = codec.issue(contents);
    expect(token.startsWith(TEST_TOKEN_PREFIX)).toBe(true);
    expect(codec.open(token)).toEqual(contents);
    expect(codec.issue(contents)).not.toBe(token);
  });

  it('keeps leading zeros of the last four digits', () => {
    const token = codec.issue({ ...contents, card: { ...contents.card, last4: '0042' } });
    expect(codec.open(token)?.card.last4).toBe('0042');
  });

  it('opens nothing altered, truncated, or issued under another secret', () => {
    const token = codec.issue(contents);
    const body = token.slice(TEST_TOKEN_PREFIX.length);
    for (let index = 0; index < body.length; index += 1) {
      const swapped = body[index] === 'A' ? 'B' : 'A';
      const altered = `${TEST_TOKEN_PREFIX}${body.slice(0, index)}${swapped}${body.slice(index + 1)}`;
      expect(codec.open(altered), `position ${index}`).toBeUndefined();
    }
    expect(codec.open(token.slice(0, -2))).toBeUndefined();
    expect(codec.open(`${token}AA`)).toBeUndefined();
    expect(codec.open(token.replace(TEST_TOKEN_PREFIX, 'tok_live_'))).toBeUndefined();
    expect(new TestTokenCodec(randomBytes(32)).open(token)).toBeUndefined();
  });
});
