// C1.2, C4.3: consent records name the policy version, time, collection point and
// wording shown; marketing is never on unless ticked; withdrawal takes effect at once;
// nothing is ever updated or deleted.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestStore,
  describeEachEngine,
  type TestStore,
} from '../../../test/helpers/test-engines.js';
import { MIGRATIONS } from '../../app/migrations.js';
import { migrateToLatest, openDatabase, tablesOf, type Database } from '../../platform/db/index.js';
import { isAppError } from '../../platform/errors/index.js';
import { isId, newId } from '../../platform/ids.js';
import { CONSENT_PURPOSES, type Purpose } from '../inventory/index.js';
import {
  CONSENT_OFFERS,
  ConsentLedger,
  consentMigration,
  type ConsentContext,
  type ConsentTables,
} from './index.js';

const at = (iso: string): ConsentContext => ({
  policyVersion: '2026-01',
  collectionPoint: 'registration',
  recordedAt: new Date(iso),
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return isAppError(error) ? error.code : undefined;
}

describe('consent offers', () => {
  it('has wording for exactly the consent purposes of the inventory', () => {
    expect(Object.keys(CONSENT_OFFERS).sort()).toEqual([...CONSENT_PURPOSES].sort());
    for (const purpose of CONSENT_PURPOSES) {
      expect(CONSENT_OFFERS[purpose]?.wording.trim().length ?? 0).toBeGreaterThan(20);
    }
  });
});

describeEachEngine('consent ledger (C1.2, C4.3)', (engine) => {
  let store: TestStore;
  let database: Database;
  let ledger: ConsentLedger;
  const db = (): Kysely<ConsentTables> => tablesOf<ConsentTables>(database.db);
  const record = (
    subjectId: string,
    choices: Partial<Record<Purpose, boolean>>,
    context: ConsentContext,
  ) =>
    db()
      .transaction()
      .execute((trx) => ledger.record(trx, subjectId, choices, context));

  // One database per file: each test works on fresh subject ids.
  beforeAll(async () => {
    store = await createTestStore(engine);
    database = await openDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
    await migrateToLatest(database.db, [...MIGRATIONS, consentMigration]);
    ledger = new ConsentLedger(db());
  });

  afterAll(async () => {
    await database.close();
    await store.cleanup();
  });

  it('records a receipt for every offered purpose, with version, time, place and wording', async () => {
    const subject = newId('cus');
    const written = await record(subject, { marketing: true }, at('2026-02-01T09:00:00Z'));
    expect(written).toHaveLength(CONSENT_PURPOSES.length);
    const [receipt] = await ledger.history(subject);
    expect(receipt).toEqual({
      id: written[0]?.id,
      subjectId: subject,
      purpose: 'marketing',
      granted: true,
      policyVersion: '2026-01',
      wording: CONSENT_OFFERS.marketing?.wording,
      collectionPoint: 'registration',
      recordedAt: new Date('2026-02-01T09:00:00Z'),
    });
    expect(isId(receipt?.id ?? '', 'con')).toBe(true);
    expect(await ledger.isGranted(subject, 'marketing')).toBe(true);
  });

  it('records marketing as not granted when it is unticked or absent', async () => {
    const unticked = newId('cus');
    const absent = newId('cus');
    await record(unticked, { marketing: false }, at('2026-02-01T09:00:00Z'));
    await record(absent, {}, at('2026-02-01T09:00:00Z'));
    for (const subject of [unticked, absent]) {
      const history = await ledger.history(subject);
      expect(history.map((r) => [r.purpose, r.granted])).toEqual([['marketing', false]]);
      expect(await ledger.isGranted(subject, 'marketing')).toBe(false);
    }
  });

  it('treats a subject with no record as not granted', async () => {
    const subject = newId('cus');
    expect(await ledger.isGranted(subject, 'marketing')).toBe(false);
    expect(await ledger.current(subject)).toEqual([
      { purpose: 'marketing', granted: false, record: null },
    ]);
    expect(await ledger.history(subject)).toEqual([]);
  });

  it('takes a withdrawal at once and keeps every earlier record', async () => {
    const subject = newId('cus');
    await record(subject, { marketing: true }, at('2026-02-01T09:00:00Z'));
    await record(
      subject,
      { marketing: false },
      { ...at('2026-03-01T09:00:00Z'), collectionPoint: 'privacy_center' },
    );
    expect(await ledger.isGranted(subject, 'marketing')).toBe(false);
    const [status] = await ledger.current(subject);
    expect(status).toMatchObject({ purpose: 'marketing', granted: false });
    expect(status?.record?.collectionPoint).toBe('privacy_center');
    expect((await ledger.history(subject)).map((r) => r.granted)).toEqual([false, true]);
  });

  it('follows the order of recording even when the given times repeat or step back', async () => {
    const subject = newId('cus');
    await record(subject, { marketing: false }, at('2026-02-01T09:00:00Z'));
    await record(subject, { marketing: true }, at('2026-02-01T09:00:00Z'));
    expect(await ledger.isGranted(subject, 'marketing')).toBe(true);
    await record(subject, { marketing: false }, at('2025-12-31T23:59:59Z'));
    expect(await ledger.isGranted(subject, 'marketing')).toBe(false);
  });

  it("keeps each subject's consents apart", async () => {
    const yes = newId('cus');
    const no = newId('cus');
    await record(yes, { marketing: true }, at('2026-02-01T09:00:00Z'));
    await record(no, { marketing: false }, at('2026-02-01T09:00:00Z'));
    expect(await ledger.isGranted(yes, 'marketing')).toBe(true);
    expect(await ledger.isGranted(no, 'marketing')).toBe(false);
  });

  it('rolls back with the transaction it was recorded in', async () => {
    const subject = newId('cus');
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await ledger.record(trx, subject, { marketing: true }, at('2026-02-01T09:00:00Z'));
          throw new Error('registration failed');
        }),
    ).rejects.toThrow('registration failed');
    expect(await ledger.history(subject)).toEqual([]);
  });

  it('refuses a purpose that does not rest on consent, naming only known purposes', async () => {
    const subject = newId('cus');
    const error: unknown = await record(
      subject,
      { account: true },
      at('2026-02-01T09:00:00Z'),
    ).catch((e: unknown) => e);
    expect(isAppError(error) && [error.code, error.status, error.details]).toEqual([
      'CONSENT_PURPOSE_UNKNOWN',
      400,
      { purpose: 'account' },
    ]);
    const crafted = { 'jane@example.test': true } as Partial<Record<Purpose, boolean>>;
    const unknown: unknown = await record(subject, crafted, at('2026-02-01T09:00:00Z')).catch(
      (e: unknown) => e,
    );
    expect(isAppError(unknown) && unknown.code).toBe('CONSENT_PURPOSE_UNKNOWN');
    expect(JSON.stringify(unknown) + String(unknown)).not.toContain('example.test');
    expect(await codeOf(ledger.isGranted(subject, 'account'))).toBe('CONSENT_PURPOSE_UNKNOWN');
    expect(await ledger.history(subject)).toEqual([]);
  });

  it('refuses a choice that is not a boolean, and a context without version, place or time', async () => {
    const subject = newId('cus');
    const notBoolean = { marketing: 'yes' } as unknown as Partial<Record<Purpose, boolean>>;
    expect(await codeOf(record(subject, notBoolean, at('2026-02-01T09:00:00Z')))).toBe(
      'CONSENT_CHOICE_INVALID',
    );
    const bad: ConsentContext[] = [
      { ...at('2026-02-01T09:00:00Z'), policyVersion: ' ' },
      { ...at('2026-02-01T09:00:00Z'), collectionPoint: 'newsletter' as 'checkout' },
      { ...at('2026-02-01T09:00:00Z'), recordedAt: new Date(Number.NaN) },
    ];
    for (const context of bad) {
      expect(await codeOf(record(subject, { marketing: true }, context))).toBe(
        'CONSENT_CONTEXT_INVALID',
      );
    }
    expect(await codeOf(record('', { marketing: true }, at('2026-02-01T09:00:00Z')))).toBe(
      'CONSENT_CONTEXT_INVALID',
    );
    expect(await ledger.history(subject)).toEqual([]);
  });

  it('offers no way to change or remove a record', () => {
    const methods = Object.getOwnPropertyNames(ConsentLedger.prototype).filter(
      (name) => name !== 'constructor',
    );
    expect(methods.sort()).toEqual(['current', 'history', 'isGranted', 'record']);
  });

  it('refuses a granted value other than 0 or 1 in the table itself', async () => {
    await expect(
      db()
        .insertInto('consent_records')
        .values({
          id: newId('con'),
          subject_id: newId('cus'),
          purpose: 'marketing',
          granted: 2,
          policy_version: '2026-01',
          wording: 'x',
          collection_point: 'registration',
          recorded_at: 0,
        })
        .execute(),
    ).rejects.toThrow();
  });
});
