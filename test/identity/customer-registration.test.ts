// C1.2, C2.1: customer registration through the Store API — the verification link, no
// account enumeration, consents recorded with the policy version shown, the password
// policy (ASVS 2.1), one account per address under concurrency, and no plaintext at rest.
import { isAbsolute, relative } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerTables } from '../../src/identity/customers/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { tablesOf } from '../../src/platform/db/index.js';
import type { ConsentTables } from '../../src/privacy/consent/index.js';
import { shredJournalPath } from '../../src/privacy/kernel/index.js';
import type { KeysTables } from '../../src/privacy/keys/index.js';
import type { VaultTables } from '../../src/privacy/vault/index.js';
import { bearer, sentMail, syntheticEmail, syntheticPassword } from '../helpers/identity.js';
import { assertNoLeaks, scanForMarkers, uniqueMarker } from '../helpers/leak-scan.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

type Tables = CustomerTables & ConsentTables & VaultTables & KeysTables;
const POLICY_VERSION = '2026-01-registration-test';
const HOUR = 3_600_000;

let lastOctet = 0;
/** A client address of its own for each test, so per-address limits never carry over. */
const nextIp = () => `198.51.100.${++lastOctet}`;

const codeOf = (response: LightMyRequestResponse) =>
  response.json<{ error: { code: string } }>().error.code;

function register(t: TestApp, payload: Record<string, unknown>, remoteAddress: string) {
  return t.app.inject({ method: 'POST', url: '/store/customers', payload, remoteAddress });
}

const registration = (overrides: Record<string, unknown> = {}) => ({
  email: syntheticEmail(),
  name: 'Test Customer',
  password: syntheticPassword(),
  ...overrides,
});

async function login(t: TestApp, email: string, password: string, remoteAddress: string) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/store/sessions',
    payload: { email, password },
    remoteAddress,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ token: string }>();
}

async function me(t: TestApp, session: { token: string }) {
  const response = await t.app.inject({ url: '/store/me', headers: bearer(session) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{
    id: string;
    email: string;
    name: string;
    emailVerified: boolean;
    consents: Record<string, { granted: boolean; policyVersion: string | null }>;
  }>();
}

/** The decoded text of every mail of one kind the file mailer wrote to an address. */
function mailsTo(mailDir: string, email: string, kind: string): string[] {
  return sentMail(mailDir)
    .filter((mail) => mail.file.includes(`-${kind}-`))
    .map((mail) => {
      const end = mail.text.indexOf('\r\n\r\n');
      const head = mail.text.slice(0, end);
      const text = mail.text
        .slice(end + 4)
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return { head, text };
    })
    .filter((mail) => mail.head.toLowerCase().includes(`to: ${email.toLowerCase()}`))
    .map((mail) => mail.text);
}

function verificationToken(t: TestApp, email: string): string {
  const [text] = mailsTo(t.store.mailDir, email, 'email_verification');
  const link = new RegExp(`${t.config.identity.publicUrl}/verify-email#token=([A-Za-z0-9_-]+)`);
  const token = link.exec(text ?? '')?.[1];
  if (token === undefined) throw new Error('no verification link in the mail');
  return token;
}

const confirm = (t: TestApp, token: string) =>
  t.app.inject({ method: 'POST', url: '/store/email-verifications', payload: { token } });

async function counts(t: TestApp) {
  const db = tablesOf<Tables>(t.database.db);
  const count = async (table: 'customers' | 'consent_records' | 'blind_index' | 'subject_key') => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    customers: await count('customers'),
    consents: await count('consent_records'),
    indexed: await count('blind_index'),
    // Data keys, tombstones of shredded ones included.
    keys: await count('subject_key'),
  };
}

describeEachEngine('customer registration (C1.2)', (engine) => {
  const clock = new ManualClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { clock, env: { CUSTODIA_POLICY_VERSION: POLICY_VERSION } });
  });
  afterAll(async () => t.close());

  it('answers 202 and mails a verification link, to a mail directory outside the data directory', async () => {
    const mailDir = t.config.mail.mailDir;
    const fromData = relative(t.store.dataDir, mailDir);
    expect(fromData.startsWith('..') || isAbsolute(fromData)).toBe(true);
    const input = registration();
    const response = await register(t, input, nextIp());
    expect(response.statusCode).toBe(202);
    const body = response.json<{ status: string; message: string }>();
    expect(Object.keys(body).sort()).toEqual(['message', 'status']);
    expect(body.status).toBe('accepted');
    expect(mailsTo(mailDir, input.email, 'email_verification')).toHaveLength(1);
    expect(verificationToken(t, input.email)).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  });

  it('confirms the address with the token once; /store/me then shows it verified', async () => {
    const ip = nextIp();
    const input = registration();
    expect((await register(t, input, ip)).statusCode).toBe(202);
    const session = await login(t, input.email, input.password, ip);
    expect((await me(t, session)).emailVerified).toBe(false);
    const token = verificationToken(t, input.email);
    expect((await confirm(t, token)).statusCode).toBe(204);
    expect((await me(t, session)).emailVerified).toBe(true);
    const again = await confirm(t, token);
    expect(again.statusCode).toBe(400);
    expect(codeOf(again)).toBe('VERIFICATION_TOKEN_INVALID');
    expect(codeOf(await confirm(t, 'not-a-token-anyone-was-sent'))).toBe(
      'VERIFICATION_TOKEN_INVALID',
    );
  });

  it('refuses a token older than 24 hours with VERIFICATION_TOKEN_INVALID', async () => {
    const ip = nextIp();
    const input = registration();
    expect((await register(t, input, ip)).statusCode).toBe(202);
    const token = verificationToken(t, input.email);
    clock.advance(25 * HOUR);
    const expired = await confirm(t, token);
    expect(expired.statusCode).toBe(400);
    expect(codeOf(expired)).toBe('VERIFICATION_TOKEN_INVALID');
    const session = await login(t, input.email, input.password, ip);
    expect((await me(t, session)).emailVerified).toBe(false);
  });

  it('answers a taken address exactly as a new one, stores nothing and mails the owner instead', async () => {
    const ip = nextIp();
    const owner = registration();
    const first = await register(t, owner, ip);
    const before = await counts(t);
    const attempts = [
      await register(t, registration({ email: owner.email, name: 'Someone Else' }), ip),
      await register(t, registration({ email: owner.email.toUpperCase() }), ip),
    ];
    for (const attempt of attempts) {
      expect(attempt.statusCode).toBe(first.statusCode);
      expect(attempt.json()).toEqual(first.json());
      expect(attempt.headers['content-type']).toBe(first.headers['content-type']);
    }
    expect(await counts(t)).toEqual(before);
    expect(mailsTo(t.store.mailDir, owner.email, 'email_verification')).toHaveLength(1);
    const notices = mailsTo(t.store.mailDir, owner.email, 'registration_attempt');
    expect(notices).toHaveLength(2);
    for (const notice of notices) expect(notice).not.toContain('token=');
    // The account is untouched: the owner's password still works, the newcomer's does not.
    const session = await login(t, owner.email, owner.password, ip);
    expect((await me(t, session)).name).toBe(owner.name);
  });

  it('records an unticked marketing consent as refused, with the policy version and collection point', async () => {
    const ip = nextIp();
    for (const consents of [undefined, { marketing: false }]) {
      const input = registration(consents === undefined ? {} : { consents });
      expect((await register(t, input, ip)).statusCode).toBe(202);
      const profile = await me(t, await login(t, input.email, input.password, ip));
      const rows = await tablesOf<Tables>(t.database.db)
        .selectFrom('consent_records')
        .selectAll()
        .where('subject_id', '=', profile.id)
        .execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        purpose: 'marketing',
        policy_version: POLICY_VERSION,
        collection_point: 'registration',
      });
      expect(Number(rows[0]?.granted)).toBe(0);
      expect(Number(rows[0]?.recorded_at)).toBe(clock.now().getTime());
      expect(rows[0]?.wording.length).toBeGreaterThan(20);
      expect(profile.consents['marketing']).toEqual({
        granted: false,
        policyVersion: POLICY_VERSION,
        recordedAt: clock.now().toISOString(),
      });
    }
  });

  it('records a ticked marketing consent as granted; /store/me shows it', async () => {
    const ip = nextIp();
    const input = registration({ consents: { marketing: true } });
    expect((await register(t, input, ip)).statusCode).toBe(202);
    const profile = await me(t, await login(t, input.email, input.password, ip));
    const rows = await tablesOf<Tables>(t.database.db)
      .selectFrom('consent_records')
      .select(['purpose', 'granted', 'policy_version', 'collection_point'])
      .where('subject_id', '=', profile.id)
      .execute();
    expect(rows.map((row) => ({ ...row, granted: Number(row.granted) }))).toEqual([
      {
        purpose: 'marketing',
        granted: 1,
        policy_version: POLICY_VERSION,
        collection_point: 'registration',
      },
    ]);
    expect(profile.consents['marketing']).toMatchObject({
      granted: true,
      policyVersion: POLICY_VERSION,
    });
  });

  it('refuses a consent for an unknown purpose with UNKNOWN_FIELDS and stores nothing', async () => {
    const ip = nextIp();
    const before = await counts(t);
    for (const purpose of ['newsletter', 'shipping']) {
      const response = await register(t, registration({ consents: { [purpose]: true } }), ip);
      expect(response.statusCode).toBe(400);
      expect(codeOf(response)).toBe('UNKNOWN_FIELDS');
    }
    expect(await counts(t)).toEqual(before);
  });

  describe('password policy (ASVS 2.1)', () => {
    const letters = (n: number) =>
      Array.from({ length: n }, (_, i) => 'qzjxkvwpmbfhgd'[(i * 7 + n) % 14]).join('');
    const emoji = [...'🔑🦊🌍🎲🚲🍋🧩🪐🐙🌵🎈🦉🐢🌶🍄'];
    const emojiPassword = (n: number) =>
      Array.from({ length: n }, (_, i) => emoji[i % emoji.length]).join('');
    const attempt = async (password: string, ip: string) => {
      const response = await register(t, registration({ password }), ip);
      return response.statusCode === 202 ? 'accepted' : codeOf(response);
    };

    it('accepts 12 and 128 code points, refuses 11 (PASSWORD_TOO_SHORT) and 129 (PASSWORD_TOO_LONG)', async () => {
      const ip = nextIp();
      expect(await attempt(letters(11), ip)).toBe('PASSWORD_TOO_SHORT');
      expect(await attempt(letters(12), ip)).toBe('accepted');
      expect(await attempt(letters(128), ip)).toBe('accepted');
      expect(await attempt(letters(129), ip)).toBe('PASSWORD_TOO_LONG');
    });

    it('counts an emoji or another astral character as one, and letters after NFC', async () => {
      const ip = nextIp();
      expect(await attempt(emojiPassword(11), ip)).toBe('PASSWORD_TOO_SHORT');
      expect(await attempt('𝒜𝒞𝒟𝒢𝒥𝒦𝒩𝒪𝒫𝒬𝒮', ip)).toBe('PASSWORD_TOO_SHORT');
      expect(await attempt('e\u0301'.repeat(11), ip)).toBe('PASSWORD_TOO_SHORT');
      expect(await attempt('𝒜𝒞𝒟𝒢𝒥𝒦𝒩𝒪𝒫𝒬𝒮𝒯', ip)).toBe('accepted');
      expect(await attempt(emojiPassword(128), ip)).toBe('accepted');
      expect(await attempt(emojiPassword(129), ip)).toBe('PASSWORD_TOO_LONG');
      const input = registration({ password: emojiPassword(12) });
      expect((await register(t, input, ip)).statusCode).toBe(202);
      expect((await login(t, input.email, input.password, ip)).token).toBeTruthy();
    });

    it('refuses a password from the common list, in any case, with PASSWORD_TOO_COMMON', async () => {
      const ip = nextIp();
      const before = await counts(t);
      expect(await attempt('1qaz2wsx3edc', ip)).toBe('PASSWORD_TOO_COMMON');
      expect(await attempt('QwertyQwerty', ip)).toBe('PASSWORD_TOO_COMMON');
      expect(await counts(t)).toEqual(before);
    });
  });

  it('refuses unknown body fields (UNKNOWN_FIELDS) and a malformed email (400)', async () => {
    const ip = nextIp();
    const before = await counts(t);
    const extra = await register(t, registration({ role: 'admin' }), ip);
    expect(extra.statusCode).toBe(400);
    expect(codeOf(extra)).toBe('UNKNOWN_FIELDS');
    for (const email of ['not-an-address', 'two@@example.test', 'spaces in@example.test']) {
      const response = await register(t, registration({ email }), ip);
      expect(response.statusCode).toBe(400);
      expect(codeOf(response)).toBe('VALIDATION_FAILED');
    }
    expect(await counts(t)).toEqual(before);
  });

  it('creates one account from concurrent registrations of one address', async () => {
    const ip = nextIp();
    const email = syntheticEmail('race');
    // Several at once, so that some reach the insert together, past the early check.
    const inputs = Array.from({ length: 6 }, () => registration({ email }));
    const before = await counts(t);
    const responses = await Promise.all(inputs.map((input) => register(t, input, ip)));
    expect(responses.map((response) => response.statusCode)).toEqual(inputs.map(() => 202));
    for (const response of responses) expect(response.json()).toEqual(responses[0]?.json());
    const after = await counts(t);
    expect(after.customers).toBe(before.customers + 1);
    // The losers stored no data key, not even a shredded one (C4.4: no key without data).
    expect(after.keys).toBe(before.keys + 1);
    expect(mailsTo(t.store.mailDir, email, 'email_verification')).toHaveLength(1);
    expect(mailsTo(t.store.mailDir, email, 'registration_attempt')).toHaveLength(5);
    const logins = [];
    for (const input of inputs) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/store/sessions',
        payload: { email, password: input.password },
        remoteAddress: ip,
      });
      logins.push(response.statusCode);
    }
    expect(logins.filter((status) => status === 201)).toHaveLength(1);
    expect(logins.filter((status) => status === 401)).toHaveLength(5);
  });
});

describeEachEngine('registration leaves no plaintext at rest (C2.1)', (engine) => {
  let store: TestStore;
  const email = `${uniqueMarker('email')}@example.test`;
  const name = uniqueMarker('name');
  let logs = '';
  let keyring = '';

  beforeAll(async () => {
    store = await createTestStore(engine);
    const t = await createTestApp(engine, { store });
    try {
      const password = syntheticPassword();
      const ip = nextIp();
      expect((await register(t, { email, name, password }, ip)).statusCode).toBe(202);
      expect((await confirm(t, verificationToken(t, email))).statusCode).toBe(204);
      const profile = await me(t, await login(t, email, password, ip));
      expect(profile).toMatchObject({ email, name, emailVerified: true });
      // A repeated registration takes the other path, with its own mail and logs.
      expect((await register(t, { email, name, password }, ip)).statusCode).toBe(202);
      keyring = t.config.keyringPath;
    } finally {
      await t.close();
      logs = t.logs.text();
    }
  });
  afterAll(async () => store.cleanup());

  it('finds neither marker in the data directory, the database or the logs', async () => {
    expect(logs.length).toBeGreaterThan(0);
    const findings = await scanForMarkers({
      markers: [email.split('@')[0] ?? email, name],
      dataDir: store.dataDir,
      exclude: [keyring, shredJournalPath(keyring)],
      logs,
      ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
    });
    assertNoLeaks(findings);
  });

  it('control: the mail that left the system does hold the address, so the scan can find it', async () => {
    const findings = await scanForMarkers({
      markers: [email.split('@')[0] ?? email],
      dataDir: store.mailDir,
    });
    expect(findings.length).toBeGreaterThan(0);
  });
});
