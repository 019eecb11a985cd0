// C2.1: the local keyring file. Created on first use with mode 0600, refused when others
// can read it, refused when it is cut or altered, rewritten whole or not at all.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import { isAppError } from '../../platform/errors/index.js';
import { LocalKeyring } from './local-keyring.js';
import { wrapAad } from './subject-keys.js';

let dir: string;
let path: string;
const clock = new ManualClock();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'custodia-keyring-'));
  path = join(dir, 'keys', 'keyring.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const modeOf = (file: string) => statSync(file).mode & 0o777;

/** The typed error code thrown by `work`, or a marker when it returned or threw something else. */
async function codeOf(work: () => unknown): Promise<string> {
  try {
    await work();
    return 'no error';
  } catch (error) {
    return isAppError(error) ? error.code : `untyped: ${String(error)}`;
  }
}

/** Rewrites the keyring file in place, keeping its mode. */
function rewrite(text: string | Buffer): void {
  writeFileSync(path, text);
  chmodSync(path, 0o600);
}

describe('keyring creation (C2.1)', () => {
  it('is created on first use, mode 0600 in a 0700 directory, and reopens to the same keys', async () => {
    const created = LocalKeyring.open(path, clock);
    expect(modeOf(path)).toBe(0o600);
    expect(modeOf(join(dir, 'keys'))).toBe(0o700);
    expect(created.versions()).toEqual([
      { version: 1, createdAt: clock.now().toISOString(), current: true },
    ]);
    const dataKey = randomBytes(32);
    const aad = wrapAad('sub_abcdefghij', 7);
    const { version, wrapped } = await created.wrap(dataKey, aad);

    const reopened = LocalKeyring.open(path, clock);
    expect(await reopened.unwrap(version, wrapped, aad)).toEqual(dataKey);
    expect(reopened.fingerprint()).toBe(created.fingerprint());
    expect(reopened.blindIndexKey('customers.email')).toEqual(
      created.blindIndexKey('customers.email'),
    );
    expect(reopened.blindIndexKey('customers.email')).not.toEqual(
      reopened.blindIndexKey('orders.contact_email'),
    );
  });

  it('holds no key material in a form that reads as the data key', async () => {
    const keyring = LocalKeyring.open(path, clock);
    const dataKey = randomBytes(32);
    const { wrapped } = await keyring.wrap(dataKey, wrapAad('sub_abcdefghij', 1));
    expect(wrapped.includes(dataKey)).toBe(false);
    expect(readFileSync(path).includes(dataKey)).toBe(false);
    expect(readFileSync(path, 'utf8')).not.toContain(dataKey.toString('base64'));
  });
});

describe('keyring refused when group or others can read it (C2.1)', () => {
  it.each([0o640, 0o644, 0o604, 0o660, 0o620, 0o666])(
    'mode %o is refused with KEYRING_INSECURE naming chmod 600',
    (mode) => {
      LocalKeyring.open(path, clock);
      const before = readFileSync(path);
      chmodSync(path, mode);
      let thrown: unknown;
      try {
        LocalKeyring.open(path, clock);
      } catch (error) {
        thrown = error;
      }
      expect(isAppError(thrown) && thrown.code).toBe('KEYRING_INSECURE');
      expect(String((thrown as Error).message)).toContain('chmod 600');
      expect(String((thrown as Error).message)).toContain(mode.toString(8));
      // Refusing is all it does: the file is neither rewritten nor re-moded.
      expect(readFileSync(path)).toEqual(before);
      expect(modeOf(path)).toBe(mode);
      chmodSync(path, 0o600);
      expect(() => LocalKeyring.open(path, clock)).not.toThrow();
    },
  );
});

describe('keyring integrity (C2.1)', () => {
  it('refuses every truncation with KEYRING_CORRUPT', async () => {
    LocalKeyring.open(path, clock);
    const whole = readFileSync(path);
    const cuts = new Set([0, 1, 2, whole.length - 2, whole.length - 3]);
    for (let at = 0; at < whole.length; at += Math.ceil(whole.length / 40)) cuts.add(at);
    for (const at of cuts) {
      rewrite(whole.subarray(0, at));
      expect(await codeOf(() => LocalKeyring.open(path, clock)), `cut at ${at}`).toBe(
        'KEYRING_CORRUPT',
      );
    }
    rewrite(whole);
    expect(await codeOf(() => LocalKeyring.open(path, clock))).toBe('no error');
  });

  it('refuses a changed body whose checksum no longer matches', async () => {
    LocalKeyring.open(path, clock);
    const file = JSON.parse(readFileSync(path, 'utf8')) as { body: string; sha256: string };
    const body = JSON.parse(file.body) as { keks: { key: string }[] };
    const kek = body.keks[0];
    if (kek === undefined) throw new Error('no KEK in a fresh keyring');
    kek.key = randomBytes(32).toString('base64');
    rewrite(JSON.stringify({ body: JSON.stringify(body), sha256: file.sha256 }));
    expect(await codeOf(() => LocalKeyring.open(path, clock))).toBe('KEYRING_CORRUPT');
  });

  it('refuses a checksum that does not match an unchanged body', async () => {
    LocalKeyring.open(path, clock);
    const file = JSON.parse(readFileSync(path, 'utf8')) as { body: string; sha256: string };
    const flipped = (file.sha256[0] === '0' ? '1' : '0') + file.sha256.slice(1);
    rewrite(JSON.stringify({ body: file.body, sha256: flipped }));
    expect(await codeOf(() => LocalKeyring.open(path, clock))).toBe('KEYRING_CORRUPT');
  });

  it.each([
    ['an empty file', ''],
    ['random bytes', randomBytes(200).toString('latin1')],
    ['JSON of another shape', '{"keys":[]}'],
    ['a JSON string', '"keyring"'],
  ])('refuses %s with KEYRING_CORRUPT', async (_label, text) => {
    LocalKeyring.open(path, clock);
    rewrite(text);
    expect(await codeOf(() => LocalKeyring.open(path, clock))).toBe('KEYRING_CORRUPT');
  });
});

describe('unwrapping with the wrong key-encryption key (C2.1)', () => {
  it('names the KEK version this keyring does not hold, never crashes', async () => {
    const keyring = LocalKeyring.open(path, clock);
    const aad = wrapAad('sub_abcdefghij', 1);
    const { wrapped } = await keyring.wrap(randomBytes(32), aad);
    expect(await codeOf(() => keyring.unwrap(9, wrapped, aad))).toBe('KEK_UNAVAILABLE');
  });

  it('refuses a data key wrapped by another keyring under the same version number', async () => {
    const ours = LocalKeyring.open(path, clock);
    const theirs = LocalKeyring.open(join(dir, 'other', 'keyring.json'), clock);
    const aad = wrapAad('sub_abcdefghij', 1);
    const { version, wrapped } = await theirs.wrap(randomBytes(32), aad);
    expect(version).toBe(ours.currentVersion());
    expect(await codeOf(() => ours.unwrap(version, wrapped, aad))).toBe('DATA_KEY_INVALID');
  });

  it('refuses a wrapped key moved to another subject or key id, or altered', async () => {
    const keyring = LocalKeyring.open(path, clock);
    const aad = wrapAad('sub_abcdefghij', 1);
    const { version, wrapped } = await keyring.wrap(randomBytes(32), aad);
    const moved = [wrapAad('sub_klmnopqrst', 1), wrapAad('sub_abcdefghij', 2)];
    for (const other of moved) {
      expect(await codeOf(() => keyring.unwrap(version, wrapped, other))).toBe('DATA_KEY_INVALID');
    }
    for (let index = 0; index < wrapped.length; index++) {
      const altered = Buffer.from(wrapped);
      altered[index] = (altered[index] ?? 0) ^ 0x01;
      expect(await codeOf(() => keyring.unwrap(version, altered, aad))).toBe('DATA_KEY_INVALID');
    }
    expect(await codeOf(() => keyring.unwrap(version, wrapped.subarray(0, 20), aad))).toBe(
      'DATA_KEY_INVALID',
    );
  });
});

describe('keyring rewrites (C2.1)', () => {
  it('keeps mode 0600, leaves no temporary file and stays whole across rotation and retirement', async () => {
    const keyring = LocalKeyring.open(path, clock);
    const aad = wrapAad('sub_abcdefghij', 1);
    const dataKey = randomBytes(32);
    const first = await keyring.wrap(dataKey, aad);

    expect(await keyring.beginRotation()).toEqual({
      target: 2,
      startedAt: clock.now().toISOString(),
    });
    expect(LocalKeyring.open(path, clock).rotation()).toEqual({
      target: 2,
      startedAt: clock.now().toISOString(),
    });
    await keyring.completeRotation();
    const second = await keyring.wrap(dataKey, aad);
    expect(second.version).toBe(2);
    await keyring.retire(1);

    expect(modeOf(path)).toBe(0o600);
    expect(readdirSync(join(dir, 'keys'))).toEqual(['keyring.json']);
    const reopened = LocalKeyring.open(path, clock);
    expect(reopened.rotation()).toBeUndefined();
    expect(reopened.versions().map((v) => [v.version, v.current])).toEqual([[2, true]]);
    expect(await reopened.unwrap(2, second.wrapped, aad)).toEqual(dataKey);
    expect(await codeOf(() => reopened.unwrap(1, first.wrapped, aad))).toBe('KEK_UNAVAILABLE');
    expect(reopened.fingerprint()).toBe(keyring.fingerprint());
  });

  it('refuses to retire the current version or one it does not hold', async () => {
    const keyring = LocalKeyring.open(path, clock);
    const before = readFileSync(path);
    expect(await codeOf(() => keyring.retire(1))).toBe('KEK_RETIRE_REFUSED');
    expect(await codeOf(() => keyring.retire(5))).toBe('KEK_UNAVAILABLE');
    expect(readFileSync(path)).toEqual(before);
  });

  it('sees a rotation that another process wrote, when it needs a version it lacks', async () => {
    const server = LocalKeyring.open(path, clock);
    const cli = LocalKeyring.open(path, clock);
    await cli.beginRotation();
    const aad = wrapAad('sub_abcdefghij', 3);
    const dataKey = randomBytes(32);
    const { version, wrapped } = await cli.wrap(dataKey, aad);
    expect(version).toBe(2);
    expect(await server.unwrap(version, wrapped, aad)).toEqual(dataKey);
  });
});
