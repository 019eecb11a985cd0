// The shipped list is the real one: 10,000 entries, read from assets/ relative to this
// module, compared after NFC and case folding.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commonPasswordCount, isCommonPassword } from './common-passwords.js';

describe('common passwords', () => {
  const raw = readFileSync(
    new URL('../../../assets/common-passwords.txt', import.meta.url),
    'utf8',
  );

  it('ships 10,000 entries, one per line', () => {
    const lines = raw.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(10_000);
    expect(lines.slice(0, 3)).toEqual(['123456', 'password', '12345678']);
    // Entries that differ only in case (Password, PASSWORD) fold together.
    expect(commonPasswordCount()).toBe(new Set(lines.map((l) => l.toLowerCase())).size);
  });

  it('finds entries whatever their case, and misses strings not on it', () => {
    expect(isCommonPassword('password')).toBe(true);
    expect(isCommonPassword('PASSWORD')).toBe(true);
    expect(isCommonPassword('Dragon')).toBe(true);
    expect(isCommonPassword('brady')).toBe(true); // the last entry
    expect(isCommonPassword('password ')).toBe(false);
    expect(isCommonPassword('glass-tulip-orbit-41')).toBe(false);
  });
});
