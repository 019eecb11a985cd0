// C3.3: the checkpoint signing key is kept like the KEKs: a file beside the keyring,
// mode 0600, refused when group or others can read it, checked for truncation and
// alteration, created once and never replaced; lost, it is reported, not re-created.
import { createHash, verify } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { isAppError } from '../../src/platform/errors/index.js';
import {
  AuditSigningKey,
  auditSigningKeyPath,
  openAuditSigningKey,
  parsePublicKeyPem,
  publicKeyId,
} from '../../src/privacy/audit/index.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { openAuditLogFixture, type AuditLogFixture } from './audit-log-fixture.js';

const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return isAppError(error) ? error.code : 'not an AppError';
  }
  return undefined;
}

describe('audit signing key file', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custodia-signing-'));
    path = auditSigningKeyPath(join(dir, 'keys', 'keyring.json'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives beside the keyring', () => {
    expect(auditSigningKeyPath('/srv/custodia/keyring.json')).toBe(
      '/srv/custodia/keyring.json.audit-signing.json',
    );
  });

  it('is created on first use with mode 0600, an Ed25519 key and its key id', () => {
    expect(AuditSigningKey.open(path)).toBeUndefined();
    const key = AuditSigningKey.openOrCreate(path, clock);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(key.publicKey.asymmetricKeyType).toBe('ed25519');
    const raw = key.publicKey.export({ format: 'jwk' }).x ?? '';
    const expectedId = createHash('sha256').update(Buffer.from(raw, 'base64url')).digest('hex');
    expect(key.keyId).toBe(expectedId.slice(0, 16));
    expect(publicKeyId(key.publicKey)).toBe(key.keyId);
    const message = Buffer.from('statement');
    expect(verify(null, message, key.publicKey, key.sign(message))).toBe(true);
    // The exported public key is what operators keep; it verifies the same signatures.
    const exported = parsePublicKeyPem(key.publicKeyPem());
    expect(exported && verify(null, message, exported, key.sign(message))).toBe(true);
    // The file holds the private key only in the body; the PEM carries none of it.
    expect(key.publicKeyPem()).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(createdAt(path)).toBe('2026-03-01T00:00:00.000Z');
  });

  it('opens the same key again and never replaces an existing file', () => {
    const first = AuditSigningKey.openOrCreate(path, clock);
    const before = readFileSync(path, 'utf8');
    const again = AuditSigningKey.openOrCreate(path, clock);
    expect(again.keyId).toBe(first.keyId);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('refuses a file that group or others can read, naming path and mode', () => {
    AuditSigningKey.openOrCreate(path, clock);
    chmodSync(path, 0o640);
    let thrown: unknown;
    try {
      AuditSigningKey.open(path);
    } catch (error) {
      thrown = error;
    }
    expect(isAppError(thrown) && thrown.code).toBe('AUDIT_SIGNING_KEY_INSECURE');
    expect((thrown as Error).message).toContain(path);
    expect((thrown as Error).message).toContain('640');
    expect(codeOf(() => AuditSigningKey.openOrCreate(path, clock))).toBe(
      'AUDIT_SIGNING_KEY_INSECURE',
    );
  });

  it('refuses a truncated, altered or foreign file', () => {
    const key = AuditSigningKey.openOrCreate(path, clock);
    const text = readFileSync(path, 'utf8');
    const rewrite = (content: string) => writeFileSync(path, content, { mode: 0o600 });
    rewrite(text.slice(0, text.length / 2));
    expect(codeOf(() => AuditSigningKey.open(path))).toBe('AUDIT_SIGNING_KEY_CORRUPT');
    rewrite(text.replace(key.keyId, 'ffffffffffffffff'));
    expect(codeOf(() => AuditSigningKey.open(path))).toBe('AUDIT_SIGNING_KEY_CORRUPT');
    // Even with a matching checksum, a key id that is not the key's own is refused.
    const file = JSON.parse(text) as { body: string };
    const body = file.body.replace(key.keyId, 'ffffffffffffffff');
    const sha256 = createHash('sha256').update(body).digest('hex');
    rewrite(JSON.stringify({ body, sha256 }));
    expect(codeOf(() => AuditSigningKey.open(path))).toBe('AUDIT_SIGNING_KEY_CORRUPT');
    rewrite('{"body":"{}","sha256":"' + createHash('sha256').update('{}').digest('hex') + '"}');
    expect(codeOf(() => AuditSigningKey.open(path))).toBe('AUDIT_SIGNING_KEY_CORRUPT');
    rewrite(text);
    expect(AuditSigningKey.open(path)?.keyId).toBe(key.keyId);
  });
});

function createdAt(path: string): unknown {
  const file = JSON.parse(readFileSync(path, 'utf8')) as { body: string };
  return (JSON.parse(file.body) as { createdAt: unknown }).createdAt;
}

describeEachEngine('audit signing key and the database', (engine) => {
  let f: AuditLogFixture;
  beforeEach(async () => {
    f = await openAuditLogFixture(engine);
  });
  afterEach(async () => f.close());

  it('is re-created only while no checkpoint exists; a lost key over checkpoints is reported', async () => {
    const path = auditSigningKeyPath(f.config.keyringPath);
    rmSync(path);
    const fresh = await openAuditSigningKey(f.db, path, f.clock);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await f.record(2);
    await f.sealer().checkpoint();
    // The fixture's sealer signed with the old key; either way a checkpoint now exists.
    expect((await openAuditSigningKey(f.db, path, f.clock)).keyId).toBe(fresh.keyId);
    rmSync(path);
    const error: unknown = await openAuditSigningKey(f.db, path, f.clock).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('AUDIT_SIGNING_KEY_MISSING');
    expect((error as Error).message).toContain(f.key.keyId);
    expect(() => statSync(path)).toThrow();
  });
});
