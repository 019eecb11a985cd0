// KEK rotation (C2.1): `custodia keys rotate` killed at random points in a child process
// and run again; after every kill and at the end, every sealed value is still readable.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/app/migrations.js';
import { systemClock } from '../../src/platform/clock.js';
import {
  columnTypes,
  migrateToLatest,
  openDatabase,
  tablesOf,
} from '../../src/platform/db/index.js';
import type { Database } from '../../src/platform/db/index.js';
import { newId } from '../../src/platform/ids.js';
import { countKeys, retireKek, type KeysTables } from '../../src/privacy/keys/index.js';
import { openPrivacyKernel } from '../../src/privacy/kernel/index.js';
import type { VaultTables } from '../../src/privacy/vault/index.js';
import { CLI_ENTRY, runCli, spawnTs } from '../helpers/run-cli.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

const SUBJECTS = 400;
const TRIALS = 20;

interface ProbeTable {
  rotation_probe: { subject_id: string; row_id: string; value: Buffer; plain: string };
}

/** Runs `keys rotate` and SIGKILLs it at a random point: after a random delay or a random amount of progress. */
async function rotateAndKill(
  env: Readonly<Record<string, string>>,
  trial: number,
): Promise<{ killed: boolean }> {
  const { child, exited } = spawnTs(CLI_ENTRY, ['keys', 'rotate', '--batch-size', '10'], { env });
  child.stdin.end();
  const byProgress = trial % 2 === 0;
  const threshold = Math.floor(Math.random() * SUBJECTS);
  const kill = () => child.kill('SIGKILL');
  let timer: NodeJS.Timeout | undefined;
  if (!byProgress) timer = setTimeout(kill, Math.floor(Math.random() * 1200));
  let buffered = '';
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const done = /rewrapping: (\d+)\//.exec(line);
      if (byProgress && done !== null && Number(done[1]) >= threshold) kill();
    }
  });
  const result = await exited.finally(() => clearTimeout(timer));
  if (result.signal !== 'SIGKILL' && result.code !== 0) {
    throw new Error(`keys rotate exited with ${result.code ?? result.signal}`);
  }
  return { killed: result.signal === 'SIGKILL' };
}

describeEachEngine('KEK rotation interrupted and resumed', (engine) => {
  let store: TestStore;
  let database: Database;
  let keyringPath: string;
  let env: Record<string, string>;

  /** Opens every probe value with a fresh kernel (no cached keys) and compares it with its plaintext. */
  async function unreadable(): Promise<number> {
    const kernel = await openPrivacyKernel(tablesOf<VaultTables>(database.db), {
      keyringPath,
      clock: systemClock,
    });
    const rows = await tablesOf<ProbeTable>(database.db)
      .selectFrom('rotation_probe')
      .selectAll()
      .execute();
    let failures = 0;
    for (const row of rows) {
      const value = await kernel.vault
        .open('customers.email', { subjectId: row.subject_id, rowId: row.row_id }, row.value)
        .catch(() => undefined);
      if (value !== row.plain) failures++;
    }
    expect(rows).toHaveLength(SUBJECTS);
    return failures;
  }

  beforeAll(async () => {
    store = await createTestStore(engine);
    keyringPath = join(store.dataDir, 'keyring.json');
    env = { ...store.env, CUSTODIA_LOG_LEVEL: 'silent' };
    database = await openDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
    await migrateToLatest(database.db, MIGRATIONS);
    const db = database.db;
    await db.schema
      .createTable('rotation_probe')
      .addColumn('subject_id', 'text', (col) => col.notNull())
      .addColumn('row_id', 'text', (col) => col.notNull())
      .addColumn('value', columnTypes(db).bytes, (col) => col.notNull())
      .addColumn('plain', 'text', (col) => col.notNull())
      .execute();
    const kernel = await openPrivacyKernel(tablesOf<VaultTables>(database.db), {
      keyringPath,
      clock: systemClock,
    });
    const rows = [];
    for (let i = 0; i < SUBJECTS; i++) {
      const subjectId = newId('sub');
      const rowId = newId('cus');
      const plain = `probe-${i}@example.test`;
      const value = await kernel.vault.seal('customers.email', { subjectId, rowId }, plain);
      rows.push({ subject_id: subjectId, row_id: rowId, value, plain });
    }
    await tablesOf<ProbeTable>(database.db).insertInto('rotation_probe').values(rows).execute();
  });

  afterAll(async () => {
    await database.close();
    await store.cleanup();
  });

  it(
    `keeps every value readable across ${TRIALS} kills, then finishes`,
    { timeout: 240_000 },
    async () => {
      let kills = 0;
      for (let trial = 0; trial < TRIALS; trial++) {
        const { killed } = await rotateAndKill(env, trial);
        if (killed) kills++;
        expect(await unreadable()).toBe(0);
      }
      // Kills must really have interrupted work, or the test proves nothing.
      expect(kills).toBeGreaterThanOrEqual(TRIALS / 2);

      const finished = await runCli(['keys', 'rotate'], { env });
      if (finished.code !== 0) throw new Error(`exit ${finished.code}: ${finished.stderr}`);
      expect(await unreadable()).toBe(0);

      const kernel = await openPrivacyKernel(tablesOf<VaultTables>(database.db), {
        keyringPath,
        clock: systemClock,
      });
      expect(kernel.kek.rotation()).toBeUndefined();
      const counts = await countKeys(tablesOf<KeysTables>(database.db));
      const current = kernel.kek.currentVersion();
      expect([...counts.byVersion.keys()]).toEqual([current]);
      expect(counts.byVersion.get(current)).toBe(SUBJECTS);

      // Every older version can now be retired, and values stay readable without them.
      for (const { version } of kernel.kek.versions()) {
        if (version !== current)
          await retireKek(tablesOf<KeysTables>(database.db), kernel.kek, version);
      }
      expect(kernel.kek.versions().map((v) => v.version)).toEqual([current]);
      expect(await unreadable()).toBe(0);
    },
  );
});
