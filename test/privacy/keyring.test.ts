// C2.1: the keyring against a database that holds data keys. A missing, foreign or stale
// keyring gives a typed error and never a crash; a KEK version is retired only once no
// data key refers to it; a keyring rewrite killed at any point leaves the file whole.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/app/config.js';
import { openPrivacy } from '../../src/app/open-privacy.js';
import { openMigratedDatabase } from '../../src/app/server.js';
import { systemClock } from '../../src/platform/clock.js';
import { tablesOf } from '../../src/platform/db/index.js';
import type { Database, PlatformTables } from '../../src/platform/db/index.js';
import { isAppError } from '../../src/platform/errors/index.js';
import { newId } from '../../src/platform/ids.js';
import {
  countKeys,
  LocalKeyring,
  retireKek,
  rotateKeys,
  type KeysTables,
} from '../../src/privacy/keys/index.js';
import { openPrivacyKernel, type PrivacyKernel } from '../../src/privacy/kernel/index.js';
import type { VaultTables } from '../../src/privacy/vault/index.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

async function codeOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return 'no error';
  } catch (error) {
    return isAppError(error) ? error.code : `untyped: ${String(error)}`;
  }
}

describeEachEngine('keyring and data keys (C2.1)', (engine) => {
  let store: TestStore;
  let config: Config;
  let database: Database<PlatformTables>;
  const keysDb = () => tablesOf<KeysTables>(database.db);
  const openKernel = (keyringPath = config.keyringPath) =>
    openPrivacyKernel(tablesOf<VaultTables>(database.db), { keyringPath, clock: systemClock });

  beforeEach(async () => {
    store = await createTestStore(engine);
    config = loadConfig({ env: store.env });
    database = await openMigratedDatabase(config);
  });

  afterEach(async () => {
    await database.close();
    await store.cleanup();
  });

  /** Subjects with a sealed name each, as (subjectId, rowId, sealed, plain). */
  async function seal(kernel: PrivacyKernel, count: number) {
    const sealed = [];
    for (let i = 0; i < count; i++) {
      const subjectId = newId('sub');
      const rowId = newId('cus');
      const plain = `Synthetic Person ${i}`;
      const value = await kernel.vault.seal('customers.name', { subjectId, rowId }, plain);
      sealed.push({ subjectId, rowId, value, plain });
    }
    return sealed;
  }

  it('refuses to start with a missing keyring while data keys exist, and creates none', async () => {
    const [item] = await seal(await openKernel(), 1);
    if (item === undefined) throw new Error('nothing sealed');
    const aside = join(store.dataDir, 'keyring.aside');
    renameSync(config.keyringPath, aside);

    expect(await codeOf(() => openKernel())).toBe('KEK_UNAVAILABLE');
    await expect(openPrivacy(config, database)).rejects.toThrow(/missing.*restore the keyring/);
    expect(existsSync(config.keyringPath)).toBe(false);

    renameSync(aside, config.keyringPath);
    const kernel = await openKernel();
    expect(await kernel.vault.open('customers.name', item, item.value)).toBe(item.plain);
  });

  it('creates a keyring on first start, and over a database of erased subjects only', async () => {
    const kernel = await openKernel();
    expect(existsSync(config.keyringPath)).toBe(true);
    const [item] = await seal(kernel, 1);
    if (item === undefined) throw new Error('nothing sealed');
    await kernel.shredder.shred(item.subjectId);
    rmSync(config.keyringPath);
    expect(await codeOf(() => openKernel())).toBe('no error');
    expect(existsSync(config.keyringPath)).toBe(true);
  });

  it('gives typed errors, never plaintext or a crash, under a foreign keyring', async () => {
    const items = await seal(await openKernel(), 2);
    // A whole, valid keyring, but another installation's.
    const foreignPath = join(store.dataDir, 'foreign', 'keyring.json');
    LocalKeyring.open(foreignPath, systemClock);
    const foreign = await openKernel(foreignPath);
    for (const item of items) {
      expect(await codeOf(() => foreign.vault.open('customers.name', item, item.value))).toBe(
        'DATA_KEY_INVALID',
      );
    }
  });

  it('names the missing KEK version when the keyring is older than the data keys', async () => {
    const kernel = await openKernel();
    const items = await seal(kernel, 3);
    const stale = join(store.dataDir, 'keyring.before-rotation');
    copyFileSync(config.keyringPath, stale);
    await rotateKeys(keysDb(), kernel.kek);
    expect([...(await countKeys(keysDb())).byVersion]).toEqual([[2, 3]]);

    const old = await openKernel(stale);
    for (const item of items) {
      expect(await codeOf(() => old.vault.open('customers.name', item, item.value))).toBe(
        'KEK_UNAVAILABLE',
      );
    }
    const current = await openKernel();
    for (const item of items) {
      expect(await current.vault.open('customers.name', item, item.value)).toBe(item.plain);
    }
  });

  it('refuses to retire a KEK version that any data key still uses; allows it after rotation', async () => {
    const kernel = await openKernel();
    const items = await seal(kernel, 25);
    await kernel.shredder.shred(items[0]?.subjectId ?? '');
    expect(await codeOf(() => retireKek(keysDb(), kernel.kek, 1))).toBe('KEK_RETIRE_REFUSED');

    // A rotation stopped after its first batch leaves keys under both versions.
    const stop = new Error('stopped after one batch');
    await expect(
      rotateKeys(keysDb(), kernel.kek, {
        batchSize: 10,
        onProgress: () => {
          throw stop;
        },
      }),
    ).rejects.toBe(stop);
    const partial = await countKeys(keysDb());
    expect(partial.byVersion.get(2)).toBe(10);
    expect(partial.byVersion.get(1)).toBe(14);
    expect(partial.shredded).toBe(1);
    let refused: unknown;
    await retireKek(keysDb(), kernel.kek, 1).catch((error: unknown) => (refused = error));
    expect(refused).toMatchObject({
      code: 'KEK_RETIRE_REFUSED',
      details: { version: 1, remaining: 14 },
    });
    expect(kernel.kek.versions().map((v) => v.version)).toEqual([1, 2]);

    expect(await rotateKeys(keysDb(), kernel.kek)).toMatchObject({ target: 2, done: 14 });
    expect([...(await countKeys(keysDb())).byVersion]).toEqual([[2, 24]]);
    expect(await codeOf(() => retireKek(keysDb(), kernel.kek, 2))).toBe('KEK_RETIRE_REFUSED');
    await retireKek(keysDb(), kernel.kek, 1);
    expect(kernel.kek.versions()).toEqual([expect.objectContaining({ version: 2, current: true })]);

    const fresh = await openKernel();
    for (const item of items.slice(1)) {
      expect(await fresh.vault.open('customers.name', item, item.value)).toBe(item.plain);
    }
  });
});

describe('keyring rewrites killed at any point (C2.1)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custodia-keyring-kill-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Rewrites the keyring in a loop and is SIGKILLed after a random number of rewrites. */
  function rewriteAndKill(path: string, after: number): Promise<number> {
    const script = `
      import { LocalKeyring } from './src/privacy/keys/local-keyring.ts';
      import { systemClock } from './src/platform/clock.ts';
      const keyring = LocalKeyring.open(process.argv[1], systemClock);
      for (let i = 0; ; i++) {
        if (keyring.rotation() === undefined) await keyring.beginRotation();
        else await keyring.completeRotation();
        process.stdout.write(i + '\\n');
      }`;
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script, path],
        { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let lines = 0;
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        lines += chunk.split('\n').length - 1;
        if (lines >= after) child.kill('SIGKILL');
      });
      child.on('error', reject);
      child.on('exit', (_code, signal) =>
        signal === 'SIGKILL' ? resolve(lines) : reject(new Error('rewrite loop ended by itself')),
      );
    });
  }

  it('always leaves a whole keyring with mode 0600 that opens', { timeout: 60_000 }, async () => {
    const path = join(dir, 'keyring.json');
    const first = LocalKeyring.open(path, systemClock);
    let rewrites = 0;
    for (let trial = 0; trial < 6; trial++) {
      rewrites += await rewriteAndKill(path, 1 + Math.floor(Math.random() * 40));
      const reopened = LocalKeyring.open(path, systemClock);
      expect(reopened.fingerprint()).toBe(first.fingerprint());
      const versions = reopened.versions().map((v) => v.version);
      expect(reopened.currentVersion()).toBe(Math.max(...versions));
    }
    expect(rewrites).toBeGreaterThanOrEqual(6);
    // A temporary file may be left by a kill mid-write; the keyring itself never is partial.
    expect(readdirSync(dir).filter((name) => !name.endsWith('.tmp'))).toEqual(['keyring.json']);
  });
});
