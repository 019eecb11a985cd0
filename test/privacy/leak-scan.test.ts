// C2.1, C1.3: personal values written through the real vault and logged by mistake leave no plaintext at rest.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app/build-app.js';
import { loadConfig, type Config } from '../../src/app/config.js';
import { openPrivacy } from '../../src/app/open-privacy.js';
import { openMigratedDatabase } from '../../src/app/server.js';
import { columnTypes, openDatabase, tablesOf } from '../../src/platform/db/index.js';
import type { Database, PlatformTables } from '../../src/platform/db/index.js';
import {
  isPersonalFieldName,
  personalFields,
  personalLogKeys,
} from '../../src/privacy/inventory/index.js';
import type { PersonalFieldName } from '../../src/privacy/inventory/index.js';
import { shredJournalPath } from '../../src/privacy/kernel/index.js';
import type { VaultTables } from '../../src/privacy/vault/index.js';
import {
  assertNoLeaks,
  scanForMarkers,
  uniqueMarker,
  type ScanOptions,
} from '../helpers/leak-scan.js';
import { captureLogs, type CapturedLogger } from '../helpers/log-capture.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

/** A scratch table for this test only: sealed values, as a commerce table will hold them. */
interface LeakProbeTable {
  field: string;
  row_id: string;
  value: Buffer;
}
type ProbeTables = VaultTables & { leak_probe: LeakProbeTable };

interface Written {
  readonly field: PersonalFieldName;
  readonly rowId: string;
  readonly value: string;
}

/** The same wiring as the server, with the process logger's redaction list, logs captured. */
async function startApp(store: TestStore) {
  const config = loadConfig({ env: { CUSTODIA_LOG_LEVEL: 'trace', ...store.env } });
  const database = await openMigratedDatabase(config);
  const privacy = await openPrivacy(config, database);
  const logs = captureLogs(personalLogKeys());
  const app = await buildApp({ config, database, privacy, logger: logs.logger });
  return { config, database, privacy, logs, app };
}

describeEachEngine('leak scan after a scenario (C2.1)', (engine) => {
  let store: TestStore;
  let config: Config;
  let logs: CapturedLogger;
  let app: App | undefined;
  let database: Database<PlatformTables> | undefined;
  const markers: string[] = [];
  const written: Written[] = [];
  const subjectId = `subject-${randomUUID()}`;

  const scanOptions = (): ScanOptions => ({
    markers,
    dataDir: store.dataDir,
    exclude: [config.keyringPath, shredJournalPath(config.keyringPath)],
    logs: logs.text(),
    ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
  });

  beforeAll(async () => {
    store = await createTestStore(engine);
    const started = await startApp(store);
    ({ config, logs, app, database } = started);
    const { privacy } = started;
    const db = tablesOf<ProbeTables>(started.database.db);
    await db.schema
      .createTable('leak_probe')
      .addColumn('field', 'text', (col) => col.notNull())
      .addColumn('row_id', 'text', (col) => col.notNull())
      .addColumn('value', columnTypes(db).bytes, (col) => col.notNull())
      .execute();

    // Every declared personal field, sealed through the real vault and stored.
    const writer = await privacy.vault.writer(subjectId);
    for (const field of personalFields()) {
      const name = field.name;
      if (!isPersonalFieldName(name)) throw new Error(`not a field: ${name}`);
      const marker = uniqueMarker(name);
      markers.push(marker);
      const value = field.mask === 'email' ? `${marker}@Example.test` : `  ${marker} `;
      const rowId = `row-${randomUUID()}`;
      written.push({ field: name, rowId, value });
      const sealed = writer.seal(name, rowId, value);
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('leak_probe')
          .values({ field: name, row_id: rowId, value: sealed })
          .execute();
        if (field.searchable) await privacy.vault.index(trx, name, { subjectId, rowId }, value);
      });
    }

    // A log call that carries personal values under their columns and API aliases.
    const carried: Record<string, unknown> = {};
    const nested: Record<string, string> = {};
    for (const key of personalLogKeys()) {
      const top = uniqueMarker(`log-${key}`);
      const deep = uniqueMarker(`log-deep-${key}`);
      markers.push(top, deep);
      carried[key] = top;
      nested[key] = deep;
    }
    app.log.info(
      { ...carried, order: { shippingAddress: { line1: markers[0] }, items: [nested] } },
      'leak probe',
    );

    // A request whose query string and user agent carry markers.
    const query = uniqueMarker('query');
    const agent = uniqueMarker('user-agent');
    markers.push(query, agent);
    const response = await app.inject({
      url: `/healthz?email=${query}`,
      headers: { 'user-agent': agent },
      remoteAddress: '198.51.100.23',
    });
    expect(response.statusCode).toBe(200);

    // Everything is on disk and the process holds nothing open before the scan.
    await app.close();
    app = undefined;
    await started.database.close();
    database = undefined;
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    await store.cleanup();
  });

  it('wrote every field through the vault: the values open again and the email is indexed', async () => {
    expect(written.map((w) => w.field).sort()).toEqual(
      personalFields()
        .map((f) => f.name)
        .sort(),
    );
    expect(logs.records().filter((r) => r['msg'] === 'leak probe')).toHaveLength(1);
    const reopened = await startApp(store);
    try {
      const db = tablesOf<ProbeTables>(reopened.database.db);
      const rows = await db.selectFrom('leak_probe').selectAll().execute();
      expect(rows).toHaveLength(written.length);
      const reader = await reopened.privacy.vault.reader(subjectId);
      for (const w of written) {
        const row = rows.find((r) => r.row_id === w.rowId);
        expect(row, w.field).toBeDefined();
        expect(reader.open(w.field, w.rowId, row?.value ?? Buffer.alloc(0))).toBe(w.value);
      }
      const email = written.find((w) => w.field === 'customers.email');
      expect(email).toBeDefined();
      const hits = await reopened.privacy.vault.lookup(
        'customers.email',
        email?.value.toUpperCase() ?? '',
      );
      expect(hits).toEqual([{ subjectId, rowId: email?.rowId }]);
    } finally {
      await reopened.app.close();
      await reopened.database.close();
    }
  });

  it('finds no marker in the data directory, the database or the logs', async () => {
    expect(markers.length).toBeGreaterThan(personalFields().length * 2);
    assertNoLeaks(await scanForMarkers(scanOptions()));
  });

  it('control: a marker stored in plaintext is found, so the scan above can fail', async () => {
    const plain = uniqueMarker('plaintext-control');
    const bytes = uniqueMarker('bytes-control');
    const control = await openDatabase<ProbeTables>({
      url: store.databaseUrl,
      dataDir: store.dataDir,
    });
    try {
      await control.db
        .insertInto('leak_probe')
        .values({ field: plain, row_id: 'control', value: Buffer.from(bytes, 'utf8') })
        .execute();
    } finally {
      await control.close();
    }
    const findings = await scanForMarkers({
      ...scanOptions(),
      markers: [...markers, plain, bytes],
    });
    const where = engine === 'postgres' ? 'postgres:leak_probe' : `${store.dataDir}/custodia.db`;
    expect(findings).toContainEqual({ marker: plain, where, encoding: 'utf8' });
    expect(findings).toContainEqual({ marker: bytes, where, encoding: 'utf8' });
  });
});
