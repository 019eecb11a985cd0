// The same migrations build the same schema on both engines, and applying them again
// changes nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/app/migrations.js';
import { migrateToLatest, migrationStatus, openDatabase } from '../src/platform/db/index.js';
import type { Database } from '../src/platform/db/index.js';
import { describeEachEngine, createTestStore, type TestStore } from './helpers/test-engines.js';

it('numbers the migrations 0001, 0002, … in the order they apply, without gaps', () => {
  const numbers = MIGRATIONS.map((m) => m.name.slice(0, 5));
  expect(numbers).toEqual(MIGRATIONS.map((_, i) => `${String(i + 1).padStart(4, '0')}_`));
});

describeEachEngine('migrations', (engine) => {
  let store: TestStore;
  let database: Database;
  beforeAll(async () => {
    store = await createTestStore(engine);
    database = await openDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
  });
  afterAll(async () => {
    await database.close();
    await store.cleanup();
  });

  it('applies every migration on an empty database, then nothing on a second run', async () => {
    expect(await migrateToLatest(database.db, MIGRATIONS)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await migrateToLatest(database.db, MIGRATIONS)).toEqual([]);
    const status = await migrationStatus(database.db, MIGRATIONS);
    expect(status).toEqual({ applied: MIGRATIONS.map((m) => m.name), pending: [] });
  });

  it('reports the engine it runs on', () => {
    expect(database.engine).toBe(engine);
    expect(database.description).not.toMatch(/:\/\/[^@/]*@/);
  });
});
