// C2.1, C1.3: the vault through a real database. Values round-trip, are found by blind
// index, never rest in plaintext, and a tampered or moved ciphertext is refused, typed and
// reported to security monitoring, never returned as garbage.
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/app/config.js';
import { openMigratedDatabase } from '../../src/app/server.js';
import { systemClock } from '../../src/platform/clock.js';
import { columnTypes, tablesOf } from '../../src/platform/db/index.js';
import type { Database, PlatformTables } from '../../src/platform/db/index.js';
import { isAppError } from '../../src/platform/errors/index.js';
import { newId } from '../../src/platform/ids.js';
import type { PersonalFieldName } from '../../src/privacy/inventory/index.js';
import {
  openPrivacyKernel,
  shredJournalPath,
  type PrivacyKernel,
} from '../../src/privacy/kernel/index.js';
import type { IntegrityFailure, VaultTables } from '../../src/privacy/vault/index.js';
import { scanForMarkers, uniqueMarker } from '../helpers/leak-scan.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

interface ProbeTable {
  vault_probe: {
    subject_id: string;
    row_id: string;
    field: string;
    value: Buffer;
    control: string | null;
  };
}
type Tables = VaultTables & ProbeTable;

describeEachEngine('vault through the database (C2.1)', (engine) => {
  let store: TestStore;
  let config: Config;
  let database: Database<PlatformTables>;
  let kernel: PrivacyKernel;
  const failures: IntegrityFailure[] = [];
  const markers: string[] = [];
  const controlMarker = uniqueMarker('plaintext-control');
  const db = () => tablesOf<Tables>(database.db);

  async function open(): Promise<void> {
    database = await openMigratedDatabase(config);
    kernel = await openPrivacyKernel(tablesOf<VaultTables>(database.db), {
      keyringPath: config.keyringPath,
      clock: systemClock,
      hooks: { onIntegrityFailure: (failure) => failures.push(failure) },
    });
  }

  beforeAll(async () => {
    store = await createTestStore(engine);
    config = loadConfig({ env: store.env });
    await open();
    await db()
      .schema.createTable('vault_probe')
      .addColumn('subject_id', 'text', (col) => col.notNull())
      .addColumn('row_id', 'text', (col) => col.notNull())
      .addColumn('field', 'text', (col) => col.notNull())
      .addColumn('value', columnTypes(db()).bytes, (col) => col.notNull())
      .addColumn('control', 'text')
      .execute();
  });

  afterAll(async () => {
    await database.close();
    await store.cleanup();
  });

  beforeEach(() => {
    failures.length = 0;
  });

  /** Seals and stores one value (indexed when the field is searchable); returns its row id. */
  async function store1(subjectId: string, field: PersonalFieldName, value: string) {
    const rowId = newId('row');
    const writer = await kernel.vault.writer(subjectId);
    await db()
      .transaction()
      .execute(async (trx) => {
        const sealed = writer.seal(field, rowId, value);
        await trx
          .insertInto('vault_probe')
          .values({ subject_id: subjectId, row_id: rowId, field, value: sealed, control: null })
          .execute();
        if (field === 'customers.email') {
          await kernel.vault.index(trx, field, { subjectId, rowId }, value);
        }
      });
    return rowId;
  }

  const stored = async (rowId: string) =>
    (await db().selectFrom('vault_probe').selectAll().where('row_id', '=', rowId).execute())[0];

  /** The typed code of a failed read, or what was returned instead. */
  async function readCode(
    subjectId: string,
    field: PersonalFieldName,
    rowId: string,
    bytes: Uint8Array,
  ): Promise<string> {
    try {
      const value = await kernel.vault.open(field, { subjectId, rowId }, bytes);
      return `returned ${String(value)}`;
    } catch (error) {
      return isAppError(error) ? error.code : `untyped: ${String(error)}`;
    }
  }

  it('stores, reads back and finds by blind index every kind of value', async () => {
    const subjectId = newId('sub');
    const [local, nameMark, addressMark] = ['email', 'name', 'address'].map(uniqueMarker);
    markers.push(local ?? '', nameMark ?? '', addressMark ?? '');
    const email = `${local}@Example.test`;
    const name = `Zoë ${nameMark} 李小龍 🧑‍🍳`;
    const address = `${addressMark}\n1 Rue de l'Église\n75001 Paris`;
    const rows = {
      email: await store1(subjectId, 'customers.email', email),
      name: await store1(subjectId, 'customers.name', name),
      address: await store1(subjectId, 'orders.shipping_address', address),
      empty: await store1(subjectId, 'customers.phone', ''),
    };
    const fresh = await openPrivacyKernel(tablesOf<VaultTables>(database.db), {
      keyringPath: config.keyringPath,
      clock: systemClock,
    });
    const reader = await fresh.vault.reader(subjectId);
    const read = async (field: PersonalFieldName, rowId: string) =>
      reader.open(field, rowId, (await stored(rowId))?.value ?? Buffer.alloc(0));
    expect(await read('customers.email', rows.email)).toBe(email);
    expect(await read('customers.name', rows.name)).toBe(name);
    expect(await read('orders.shipping_address', rows.address)).toBe(address);
    expect(await read('customers.phone', rows.empty)).toBe('');

    const hit = [{ subjectId, rowId: rows.email }];
    for (const query of [email, email.toUpperCase(), `  ${email.toLowerCase()}\t`]) {
      expect(await fresh.vault.lookup('customers.email', query)).toEqual(hit);
    }
    expect(await fresh.vault.lookup('customers.email', `x${email}`)).toEqual([]);
    expect(() => fresh.vault.digest('customers.name', name)).toThrow(
      expect.objectContaining({ code: 'FIELD_NOT_SEARCHABLE' }),
    );
    expect(failures).toEqual([]);
  });

  it("stores a new subject's data key with the first data, in the same transaction or not at all", async () => {
    const keyRows = async (subjectId: string) =>
      (
        await db()
          .selectFrom('subject_key')
          .select('subject_id')
          .where('subject_id', '=', subjectId)
          .execute()
      ).length;
    const kept = newId('sub');
    const rowId = newId('row');
    const { writer, store } = await kernel.vault.newSubject(kept);
    const sealed = writer.seal('customers.email', rowId, 'new-subject@example.test');
    await db()
      .transaction()
      .execute(async (trx) => {
        await store(trx);
        await trx
          .insertInto('vault_probe')
          .values({ subject_id: kept, row_id: rowId, field: 'x', value: sealed, control: null })
          .execute();
      });
    expect(await keyRows(kept)).toBe(1);
    kernel.keys.clearCache();
    // Read back through the stored, wrapped key: the one the writer sealed with.
    expect(await kernel.vault.open('customers.email', { subjectId: kept, rowId }, sealed)).toBe(
      'new-subject@example.test',
    );

    const dropped = newId('sub');
    const next = await kernel.vault.newSubject(dropped);
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await next.store(trx);
          throw new Error('the order did not go through');
        }),
    ).rejects.toThrow('the order did not go through');
    expect(await keyRows(dropped)).toBe(0);
    // A subject that already has a key cannot be given a second one.
    const again = await kernel.vault.newSubject(kept);
    await expect(
      db()
        .transaction()
        .execute((trx) => again.store(trx)),
    ).rejects.toThrow();
  });

  it('round-trips arbitrary Unicode through the database (property)', async () => {
    const subjectId = newId('sub');
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (value) => {
        const rowId = await store1(subjectId, 'tickets.subject', value);
        const row = await stored(rowId);
        const opened = await kernel.vault.open(
          'tickets.subject',
          { subjectId, rowId },
          row?.value ?? Buffer.alloc(0),
        );
        expect(opened).toBe(value);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a value altered at rest, any byte, with CIPHERTEXT_INVALID and an alert', async () => {
    const subjectId = newId('sub');
    const value = uniqueMarker('tampered');
    markers.push(value);
    const rowId = await store1(subjectId, 'customers.name', value);
    const original = (await stored(rowId))?.value ?? Buffer.alloc(0);
    const reasons: Record<number, string> = {};
    for (let index = 0; index < original.length; index++) {
      const altered = Buffer.from(original);
      altered[index] = (altered[index] ?? 0) ^ 0x5a;
      await db()
        .updateTable('vault_probe')
        .set({ value: altered })
        .where('row_id', '=', rowId)
        .execute();
      const bytes = (await stored(rowId))?.value ?? Buffer.alloc(0);
      expect(await readCode(subjectId, 'customers.name', rowId, bytes), `byte ${index}`).toBe(
        'CIPHERTEXT_INVALID',
      );
      reasons[index] = failures.at(-1)?.reason ?? 'no alert';
    }
    expect(failures).toHaveLength(original.length);
    expect(reasons[0]).toBe('malformed');
    for (const index of [1, 2, 3, 4]) expect(reasons[index]).toBe('key_mismatch');
    for (let index = 5; index < original.length; index++)
      expect(reasons[index]).toBe('tag_mismatch');
    for (const failure of failures) {
      expect(failure).toEqual({
        field: 'customers.name',
        subjectId,
        rowId,
        reason: failure.reason,
      });
    }
  });

  it('refuses a truncated value and reports it; the error carries no value or ciphertext', async () => {
    const subjectId = newId('sub');
    const value = uniqueMarker('truncated');
    markers.push(value);
    const rowId = await store1(subjectId, 'customers.name', value);
    const original = (await stored(rowId))?.value ?? Buffer.alloc(0);
    for (const length of [0, 1, 5, 20, 32, 33, original.length - 1]) {
      const cut = original.subarray(0, length);
      let thrown: unknown;
      await kernel.vault
        .open('customers.name', { subjectId, rowId }, cut)
        .catch((error: unknown) => {
          thrown = error;
        });
      expect(isAppError(thrown) && thrown.code, `length ${length}`).toBe('CIPHERTEXT_INVALID');
      const text = JSON.stringify({ thrown, message: (thrown as Error).message });
      expect(text).not.toContain(value);
      expect(text).not.toContain(original.toString('hex').slice(10, 40));
      expect(text).not.toContain(original.toString('base64').slice(8, 30));
    }
    expect(failures.map((f) => f.reason)).toEqual([
      'malformed',
      'malformed',
      'malformed',
      'malformed',
      'malformed',
      'tag_mismatch',
      'tag_mismatch',
    ]);
  });

  it('refuses a ciphertext moved to another row, column, table or subject', async () => {
    const subjectId = newId('sub');
    const other = newId('sub');
    const value = `${uniqueMarker('moved')}@example.test`;
    markers.push(value.split('@')[0] ?? '');
    const rowId = await store1(subjectId, 'customers.email', value);
    await store1(other, 'customers.email', `${uniqueMarker('other')}@example.test`);
    const sealed = (await stored(rowId))?.value ?? Buffer.alloc(0);
    const moves: [string, PersonalFieldName, string][] = [
      [subjectId, 'customers.email', newId('row')],
      [subjectId, 'customers.name', rowId],
      [subjectId, 'orders.contact_email', rowId],
      [other, 'customers.email', rowId],
    ];
    for (const [subject, field, row] of moves) {
      expect(await readCode(subject, field, row, sealed), `${subject} ${field} ${row}`).toBe(
        'CIPHERTEXT_INVALID',
      );
    }
    expect(failures.map((f) => [f.field, f.reason])).toEqual([
      ['customers.email', 'tag_mismatch'],
      ['customers.name', 'tag_mismatch'],
      ['orders.contact_email', 'tag_mismatch'],
      ['customers.email', 'key_mismatch'],
    ]);
    expect(await readCode(subjectId, 'customers.email', rowId, sealed)).toBe(`returned ${value}`);
  });

  it('refuses what it cannot seal or read faithfully, with no alert', async () => {
    const never = newId('sub');
    expect(await readCode(never, 'customers.name', 'row', Buffer.alloc(40))).toBe(
      'SUBJECT_KEY_MISSING',
    );
    const subjectId = newId('sub');
    await expect(
      kernel.vault.seal('customers.name', { subjectId, rowId: 'r' }, 'broken \uD800 text'),
    ).rejects.toThrow(/well-formed Unicode/);
    await expect(
      kernel.vault.seal('customer.nickname' as PersonalFieldName, { subjectId, rowId: 'r' }, 'x'),
    ).rejects.toThrow(/Undeclared personal field/);
    expect(failures).toEqual([]);
  });

  it('leaves no written value in plaintext at rest, and the scan can see one that is (C1.3)', async () => {
    await db()
      .insertInto('vault_probe')
      .values({
        subject_id: 'control',
        row_id: 'control',
        field: 'control',
        value: Buffer.alloc(1),
        control: controlMarker,
      })
      .execute();
    await database.close();
    const scan = (list: string[]) =>
      scanForMarkers({
        markers: list,
        dataDir: store.dataDir,
        exclude: [config.keyringPath, shredJournalPath(config.keyringPath)],
        ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
      });
    expect(markers.length).toBeGreaterThanOrEqual(6);
    expect(await scan(markers)).toEqual([]);
    const control = await scan([...markers, controlMarker]);
    expect(control.map((finding) => finding.marker)).toContain(controlMarker);
    expect(control.every((finding) => finding.marker === controlMarker)).toBe(true);
    await open();
  });
});
