// The leak scanner itself (C2.1 evidence depends on it): it finds every encoding it claims to.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertNoLeaks, scanForMarkers, uniqueMarker, type LeakFinding } from './leak-scan.js';

const sorted = (findings: readonly LeakFinding[]) =>
  [...findings].sort((a, b) =>
    `${a.where} ${a.marker} ${a.encoding}`.localeCompare(`${b.where} ${b.marker} ${b.encoding}`),
  );

/** Filler bytes that never contain the marker: letters outside the marker's alphabet. */
const filler = (count: number) => Buffer.alloc(count, 'Q');

describe('leak scan', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custodia-leakscan-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a marker in every encoding, in files at any depth and in the logs', async () => {
    const m = {
      upper: uniqueMarker('upper'),
      utf16: uniqueMarker('utf16'),
      utf16odd: uniqueMarker('utf16-odd'),
      b64: [uniqueMarker('b64-0'), uniqueMarker('b64-1'), uniqueMarker('b64-2')] as const,
      url: `${uniqueMarker('b64url')}?~~~??>>>`,
      hex: uniqueMarker('hex'),
      logs: uniqueMarker('logs'),
      nested: uniqueMarker('nested'),
    };
    const file = (name: string, bytes: Buffer | string) => {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      return path;
    };
    const urlText = Buffer.concat([filler(1), Buffer.from(m.url), filler(2)]).toString('base64url');
    expect(urlText).toMatch(/[-_]/); // the url alphabet is really exercised
    const files = {
      url: file('url.txt', `https://shop.example.test/?p=${urlText}`),
      upper: file('custodia.db', `row\u0000${m.upper.toUpperCase()}\u0001row`),
      utf16: file('custodia.db-wal', Buffer.from(`xx${m.utf16}yy`, 'utf16le')),
      utf16odd: file(
        'custodia.db-shm',
        Buffer.concat([filler(1), Buffer.from(m.utf16odd, 'utf16le'), filler(1)]),
      ),
      b64: m.b64.map((marker, k) =>
        file(
          `b64-${k}.txt`,
          `token=${Buffer.concat([filler(k), Buffer.from(marker), filler(5)]).toString('base64')};`,
        ),
      ),
      hex: file('hex.txt', `x'${Buffer.from(m.hex).toString('hex').toUpperCase()}'`),
    };
    mkdirSync(join(dir, 'backups', 'daily'), { recursive: true });
    const nested = file(join('backups', 'daily', 'dump.sql'), `insert ${m.nested};`);

    const findings = await scanForMarkers({
      markers: [m.upper, m.utf16, m.utf16odd, ...m.b64, m.url, m.hex, m.logs, m.nested],
      dataDir: dir,
      logs: `{"level":30,"msg":"hello ${m.logs}"}\n`,
    });
    const expected: LeakFinding[] = [
      { marker: m.upper, where: files.upper, encoding: 'utf8' },
      { marker: m.utf16, where: files.utf16, encoding: 'utf16le' },
      { marker: m.utf16odd, where: files.utf16odd, encoding: 'utf16le' },
      ...m.b64.map((marker, k) => ({
        marker,
        where: files.b64[k] ?? '',
        encoding: 'base64' as const,
      })),
      { marker: m.url, where: files.url, encoding: 'base64' },
      { marker: m.hex, where: files.hex, encoding: 'hex' },
      { marker: m.logs, where: 'logs', encoding: 'utf8' },
      { marker: m.nested, where: nested, encoding: 'utf8' },
    ];
    expect(sorted(findings)).toEqual(sorted(expected));
  });

  it('finds base64, base64url, hex and UTF-16LE at any alignment and surrounding bytes', async () => {
    const marker = uniqueMarker('prop');
    const probe = join(dir, 'probe.bin');
    const encodings = ['base64', 'base64url', 'hex', 'utf16le'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 9 }),
        fc.uint8Array({ maxLength: 9 }),
        fc.constantFrom(...encodings),
        async (before, after, encoding) => {
          const text = encoding === 'utf16le';
          const bytes = Buffer.concat([
            before,
            Buffer.from(marker, text ? 'utf16le' : 'utf8'),
            after,
          ]);
          writeFileSync(probe, text ? bytes : bytes.toString(encoding));
          const expected = text ? 'utf16le' : encoding === 'hex' ? 'hex' : 'base64';
          expect(await scanForMarkers({ markers: [marker], dataDir: dir })).toEqual([
            { marker, where: probe, encoding: expected },
          ]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('does not read excluded files', async () => {
    const marker = uniqueMarker('keyring');
    const keyring = join(dir, 'keyring.json');
    writeFileSync(keyring, JSON.stringify({ secret: marker }));
    writeFileSync(`${keyring}.shredded`, `${marker}\n`);
    const exclude = [keyring, `${keyring}.shredded`];
    expect(await scanForMarkers({ markers: [marker], dataDir: dir, exclude })).toEqual([]);
    // The same files are found when not excluded: the exclusion is what hid them.
    const all = await scanForMarkers({ markers: [marker], dataDir: dir });
    expect(all.map((f) => f.where).sort()).toEqual([...exclude].sort());
  });

  it('reports nothing for a clean directory, clean logs and random bytes', async () => {
    const markers = [uniqueMarker('clean-a'), uniqueMarker('clean-b')];
    writeFileSync(join(dir, 'random.bin'), randomBytes(64 * 1024));
    writeFileSync(join(dir, 'text.txt'), 'mk-clean-a- is not a marker without its random part');
    const logs = `{"email":"[redacted]","other":"${uniqueMarker('clean-a')}"}`;
    expect(await scanForMarkers({ markers, dataDir: dir, logs })).toEqual([]);
  });

  it('refuses markers too short to be unguessable', async () => {
    await expect(scanForMarkers({ markers: ['abc'], dataDir: dir })).rejects.toThrow(/at least/);
  });
});

describe('uniqueMarker and assertNoLeaks', () => {
  it('makes distinct markers with 64 random bits', () => {
    const markers = Array.from({ length: 200 }, () => uniqueMarker('Customer.Email'));
    expect(new Set(markers).size).toBe(200);
    for (const marker of markers) expect(marker).toMatch(/^mk-customer-email-[0-9a-f]{16}$/);
  });

  it('throws with marker, place and encoding of every finding, and passes on none', () => {
    const marker = uniqueMarker('x');
    expect(() => assertNoLeaks([])).not.toThrow();
    expect(() =>
      assertNoLeaks([
        { marker, where: '/tmp/data/custodia.db', encoding: 'utf8' },
        { marker, where: 'postgres:leak_probe', encoding: 'hex' },
      ]),
    ).toThrow(
      new RegExp(
        `2 plaintext marker\\(s\\)[\\s\\S]*${marker} in /tmp/data/custodia.db as utf8[\\s\\S]*` +
          `${marker} in postgres:leak_probe as hex`,
      ),
    );
  });
});
