// The development file sink: RFC 5322 files a mail client can open, private modes, whole
// files only, and no header injection.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { isAppError } from '../errors/index.js';
import { FileMailer, type MailMessage } from './index.js';

// Reads back what the mailers wrote, independently of nodemailer: header unfolding,
// RFC 2047 Q-encoded words and quoted-printable bodies, enough for the tests' messages.

/** A message split into unfolded headers (lower-cased names) and its raw body. */
interface ParsedEml {
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

function decodeQpBytes(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (char === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(char, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Decodes a quoted-printable body (soft line breaks removed). */
function decodeQuotedPrintable(body: string): string {
  return decodeQpBytes(body.replace(/=\r\n/g, ''));
}

/** Decodes `=?UTF-8?Q?…?=` words in a header value. */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?q\?([^?]*)\?=/gi, (_, word: string) => decodeQpBytes(word.replace(/_/g, ' ')));
}

/** Splits a CRLF message into headers and body. */
function parseEml(raw: string): ParsedEml {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error('no header/body separator');
  const headers = new Map<string, string>();
  const unfolded = raw.slice(0, end).replace(/\r\n[ \t]/g, ' ');
  for (const line of unfolded.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`not a header line: ${line}`);
    const name = line.slice(0, colon).toLowerCase();
    if (headers.has(name)) throw new Error(`header repeated: ${name}`);
    headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(end + 4) };
}

let root: string;
let dir: string;
const clock = new ManualClock(new Date('2026-03-04T05:06:07.089Z'));
const modeOf = (path: string) => statSync(path).mode & 0o777;

const message: MailMessage = {
  to: 'shopper@example.test',
  subject: 'Confirm your address',
  text: 'Hello,\nconfirm here: https://shop.example.test/verify?t=abc\n',
  kind: 'email_verification',
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'custodia-mail-'));
  dir = join(root, 'mail', 'out');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** The error code thrown by `work` and its JSON, or a marker when it did not throw an AppError. */
async function failure(work: () => Promise<unknown>): Promise<{ code: string; text: string }> {
  try {
    await work();
    return { code: 'no error', text: '' };
  } catch (error) {
    if (!isAppError(error)) return { code: 'not an AppError', text: String(error) };
    return {
      code: error.code,
      text: `${error.message} ${JSON.stringify(error.details)} ${String(error.cause)}`,
    };
  }
}

describe('FileMailer', () => {
  it('writes one parsable .eml file with the standard headers', async () => {
    const mailer = new FileMailer(dir, { from: 'Custodia Shop <shop@shop.example.test>', clock });
    await mailer.send(message);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const [name = ''] = files;
    expect(name).toMatch(/^20260304T050607\.089Z-email_verification-[0-9a-f]{12}\.eml$/);
    const raw = readFileSync(join(dir, name), 'utf8');
    expect(raw.replace(/\r\n/g, '')).not.toContain('\n'); // CRLF line ends only
    const { headers, body } = parseEml(raw);
    expect(headers.get('from')).toBe('Custodia Shop <shop@shop.example.test>');
    expect(headers.get('to')).toBe('shopper@example.test');
    expect(headers.get('subject')).toBe('Confirm your address');
    expect(headers.get('date')).toBe('Wed, 04 Mar 2026 05:06:07 +0000');
    expect(headers.get('message-id')).toMatch(/^<[^<>@\s]+@shop\.example\.test>$/);
    expect(headers.get('mime-version')).toBe('1.0');
    expect(headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const encoding = headers.get('content-transfer-encoding');
    expect(['7bit', 'quoted-printable']).toContain(encoding);
    const text = encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : body;
    expect(text.replace(/\r\n/g, '\n')).toBe(message.text);
  });

  it('encodes non-ASCII subjects and bodies so they survive 7-bit transport', async () => {
    const mailer = new FileMailer(dir, { clock });
    const text = 'Grüße — votre code est prêt ✓\n';
    await mailer.send({ ...message, subject: 'Vérifiez votre adresse 📬', text });
    const [name = ''] = readdirSync(dir);
    const raw = readFileSync(join(dir, name), 'utf8');
    expect(/^[\x20-\x7e\r\n]*$/.test(raw)).toBe(true);
    const { headers, body } = parseEml(raw);
    expect(decodeHeader(headers.get('subject') ?? '')).toBe('Vérifiez votre adresse 📬');
    expect(headers.get('content-transfer-encoding')).toBe('quoted-printable');
    expect(decodeQuotedPrintable(body).replace(/\r\n/g, '\n')).toBe(text);
  });

  it('creates the directory 0700 and each file 0600, leaving no temporary files', async () => {
    const mailer = new FileMailer(dir, { clock });
    await mailer.send(message);
    await mailer.send({ ...message, kind: 'password_reset' });
    expect(modeOf(dir)).toBe(0o700);
    const files = readdirSync(dir);
    expect(files).toHaveLength(2);
    expect(files.every((name) => name.endsWith('.eml') && !name.startsWith('.'))).toBe(true);
    for (const name of files) expect(modeOf(join(dir, name))).toBe(0o600);
  });

  it('refuses CR or LF in the subject or recipient, writing nothing', async () => {
    const mailer = new FileMailer(dir, { clock });
    const attempts: [Partial<MailMessage>, string][] = [
      [{ subject: 'Hello\r\nBcc: intruder@example.test' }, 'subject'],
      [{ subject: 'Hello\nBcc: intruder@example.test' }, 'subject'],
      [{ subject: 'Hello\u2028Bcc: intruder@example.test' }, 'subject'],
      [{ to: 'shopper@example.test\r\nBcc: intruder@example.test' }, 'to'],
      [{ to: 'shopper@example.test\nintruder@example.test' }, 'to'],
      [{ to: 'shopper@example.test, intruder@example.test' }, 'to'],
      [{ to: 'Shopper <shopper@example.test>' }, 'to'],
      [{ to: 'not-an-address' }, 'to'],
      [{ kind: '../escape' }, 'kind'],
    ];
    for (const [change, field] of attempts) {
      const outcome = await failure(() => mailer.send({ ...message, ...change }));
      expect(outcome.code).toBe('MAIL_MESSAGE_REFUSED');
      expect(outcome.text).toContain(field);
      expect(outcome.text).not.toContain('example.test');
    }
    expect(() => readdirSync(dir)).toThrow(); // never even created
  });

  it('refuses a sender with a line break when constructed', () => {
    expect(() => new FileMailer(dir, { from: 'shop@example.test\r\nBcc: x@example.test' })).toThrow(
      RangeError,
    );
  });

  it('reports an unwritable directory as MAIL_DELIVERY_FAILED without the address', async () => {
    const blocker = join(root, 'blocker');
    writeFileSync(blocker, 'a file where the directory should be');
    const mailer = new FileMailer(join(blocker, 'mail'), { clock });
    const outcome = await failure(() => mailer.send(message));
    expect(outcome.code).toBe('MAIL_DELIVERY_FAILED');
    expect(outcome.text).not.toContain('shopper');
    await mailer.close();
  });
});
