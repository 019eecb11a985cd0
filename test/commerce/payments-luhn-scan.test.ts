// The Luhn scanner itself (C2.5 evidence depends on it): it finds a card number in every
// form it claims to, says where without saying what, and stays quiet on a clean store.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertNoCardNumbers,
  findCardNumbers,
  scanForCardNumbers,
  type LuhnFinding,
} from '../helpers/luhn-scan.js';
import { freshPostgresSchema } from '../helpers/postgres-schema.js';
import { TEST_DATABASE_URL } from '../helpers/test-engines.js';

const VISA = '4242424242424242';
const AMEX = '378282246310005';

const summary = (findings: readonly LuhnFinding[]) =>
  findings.map((f) => ({ file: f.where.split('/').pop(), offset: f.offset, encoding: f.encoding }));

describe('Luhn scan', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custodia-luhnscan-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, bytes: Buffer | string) => writeFileSync(join(dir, name), bytes);

  it('C2.5: finds a planted number as plain text, grouped, and in UTF-16 at either alignment', async () => {
    file('plain.txt', `card=${VISA};`);
    file('spaced.txt', `xx 4242 4242 4242 4242 12/34`);
    file('dashed.log', `{"pan":"3782-822463-10005"}`);
    file('utf16.bin', Buffer.concat([Buffer.from([0xff]), Buffer.from(`n:${VISA}`, 'utf16le')]));
    file('utf16-even.bin', Buffer.from(`n:${AMEX}`, 'utf16le'));
    mkdirSync(join(dir, 'backups', 'old'), { recursive: true });
    file(join('backups', 'old', 'dump.sql'), `insert values ('x', '${AMEX}')`);
    const findings = await scanForCardNumbers({ dir });
    expect(summary(findings)).toEqual([
      { file: 'dump.sql', offset: 21, encoding: 'ascii' },
      { file: 'dashed.log', offset: 8, encoding: 'ascii' },
      { file: 'plain.txt', offset: 5, encoding: 'ascii' },
      { file: 'spaced.txt', offset: 3, encoding: 'ascii' },
      { file: 'utf16-even.bin', offset: 4, encoding: 'utf16le' },
      { file: 'utf16.bin', offset: 5, encoding: 'utf16le' },
    ]);
    expect(findings.map((f) => f.digits).sort()).toEqual([15, 15, 15, 16, 16, 16]);
  });

  it('C2.5: finds a number stored in a SQLite database file, beside binary pages', async () => {
    const path = join(dir, 'shop.db');
    const db = new Database(path);
    db.exec('create table notes (id integer primary key, body text, blob blob)');
    const insert = db.prepare('insert into notes (body, blob) values (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 200; i += 1) insert.run(`note ${i}`, Buffer.alloc(64, i));
      insert.run(`Visa${VISA}`, Buffer.from([0x00, 0xff, 0x34]));
    })();
    db.close();
    const findings = await scanForCardNumbers({ dir });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ where: path, encoding: 'ascii', digits: 16 });
  });

  it('never reports the digits, only the place', async () => {
    file('plain.txt', `card=${VISA};`);
    const findings = await scanForCardNumbers({ dir });
    expect(JSON.stringify(findings)).not.toContain(VISA);
    let message = '';
    try {
      assertNoCardNumbers(findings);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('plain.txt at offset 5');
    expect(message).not.toContain(VISA);
    expect(message).not.toContain('4242');
  });

  it('finds nothing in a clean directory of ids, hashes, timestamps and ciphertext', async () => {
    file(
      'clean.json',
      JSON.stringify({
        order: 'ord_1x7q0k3m9z2w4e6r8t0y2u4i6o',
        sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        digits: '5893412760293847561029384756102938', // too long: no card has 34 digits
        at: 1767225600000, // epoch milliseconds: 13 digits, starting with 1
        luhnFailing: '4242424242424241',
        short: '424242424242',
        phone: '+31 20 555 0100',
        date: '2026-01-15 10:22:33',
      }),
    );
    file('random.bin', Buffer.from(Array.from({ length: 65_536 }, (_, i) => (i * 7919) % 251)));
    expect(await scanForCardNumbers({ dir })).toEqual([]);
    expect(() => assertNoCardNumbers([])).not.toThrow();
  });

  it('reads groups only as cards print them, and a bare number beside other groups', () => {
    const grouped = VISA.match(/.{4}/g)?.join(' ') ?? '';
    expect(findCardNumbers(Buffer.from(`exp 12 34 ${grouped} x`))).toEqual([
      { offset: 10, encoding: 'ascii', digits: 16 },
    ]);
    expect(findCardNumbers(Buffer.from(`${VISA} 2034-12`))).toEqual([
      { offset: 0, encoding: 'ascii', digits: 16 },
    ]);
    // Two-digit groups are how dates and times are written, not cards.
    expect(findCardNumbers(Buffer.from('34 42 42 42 42 42 42 42'))).toEqual([]);
  });

  // PostgreSQL only where the tests have a server (as describeEachEngine decides).
  const pgIt = TEST_DATABASE_URL === undefined ? undefined : it;
  pgIt?.(
    'C2.5: finds a number in a PostgreSQL row, in text and bytea, naming table, column and row',
    async () => {
      const { url, drop } = await freshPostgresSchema(TEST_DATABASE_URL ?? '');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query('create table notes (id bigint, body text, raw bytea, at bigint)');
        await client.query('create table clean (id bigint, body text)');
        await client.query(`insert into notes values (1767225600001, 'fine', null, 1767225600000)`);
        await client.query(`insert into notes values (2, 'paid with ${AMEX}', $1, 3)`, [
          Buffer.from(`\u0000${VISA}`, 'utf8'),
        ]);
        await client.query(`insert into clean values (1, 'nothing here')`);
        const findings = await scanForCardNumbers({ databaseUrl: url, tables: ['notes', 'clean'] });
        expect(findings).toEqual([
          { where: 'postgres:notes.body', row: 1, offset: 10, encoding: 'ascii', digits: 15 },
          { where: 'postgres:notes.raw', row: 1, offset: 1, encoding: 'ascii', digits: 16 },
        ]);
        expect(await scanForCardNumbers({ databaseUrl: url, tables: ['clean'] })).toEqual([]);
        expect(await scanForCardNumbers({ databaseUrl: url })).toHaveLength(2);
      } finally {
        await client.end();
        await drop();
      }
    },
  );
});
