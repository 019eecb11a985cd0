// C2.1, C4.4: `custodia keys status | rotate | retire` in a child process, as an operator
// runs them. A KEK version is retired only once no data key refers to it; a keyring that is
// insecure, damaged or missing stops the command with one typed line.
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/app/config.js';
import { openMigratedDatabase } from '../../src/app/server.js';
import { systemClock } from '../../src/platform/clock.js';
import { tablesOf } from '../../src/platform/db/index.js';
import { newId } from '../../src/platform/ids.js';
import { rotateKeys, type KekProvider, type KeysTables } from '../../src/privacy/keys/index.js';
import { openPrivacyKernel } from '../../src/privacy/kernel/index.js';
import { isErased, type VaultTables } from '../../src/privacy/vault/index.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

type KeysDb = Kysely<KeysTables>;

interface Status {
  provider: string;
  versions: { version: number; current: boolean; dataKeys: number; createdAt: string }[];
  shreddedSubjects: number;
  rotation: { target: number; startedAt: string } | null;
}

interface Sealed {
  readonly subjectId: string;
  readonly rowId: string;
  readonly value: Buffer;
  readonly plain: string;
}

describeEachEngine('custodia keys CLI (C2.1)', (engine) => {
  let store: TestStore;
  let config: Config;

  /** Runs the real CLI with only this store's settings. */
  const cli = (...args: string[]): Promise<CliResult> =>
    runCli(args, { env: { ...store.env, CUSTODIA_LOG_LEVEL: 'silent' } });

  async function status(): Promise<Status> {
    const run = await cli('keys', 'status', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as Status;
  }

  const perVersion = (s: Status) => s.versions.map((v) => [v.version, v.current, v.dataKeys]);

  /** A command that fails with exactly one `custodia:` line and no stack trace. */
  function expectOneLineFailure(run: CliResult, pattern: RegExp): void {
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^custodia: /);
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr).not.toMatch(/unexpected error|\n\s+at /);
  }

  /** Seals one value for each of `count` new subjects, then shreds the first `shred`. */
  async function seed(
    count: number,
    shred: number,
    then?: (db: KeysDb, kek: KekProvider) => Promise<void>,
  ) {
    const database = await openMigratedDatabase(config);
    try {
      const kernel = await openPrivacyKernel(tablesOf<VaultTables>(database.db), {
        keyringPath: config.keyringPath,
        clock: systemClock,
      });
      const sealed: Sealed[] = [];
      for (let i = 0; i < count; i++) {
        const subjectId = newId('sub');
        const rowId = newId('cus');
        const plain = `Synthetic Name ${i}`;
        const value = await kernel.vault.seal('customers.name', { subjectId, rowId }, plain);
        sealed.push({ subjectId, rowId, value, plain });
      }
      for (const item of sealed.slice(0, shred)) await kernel.shredder.shred(item.subjectId);
      await then?.(tablesOf<KeysTables>(database.db), kernel.kek);
      return sealed;
    } finally {
      await database.close();
    }
  }

  /** Every sealed value as a fresh kernel reads it now: the plaintext, 'erased' or an error code. */
  async function readAll(sealed: readonly Sealed[]): Promise<string[]> {
    const database = await openMigratedDatabase(config);
    try {
      const kernel = await openPrivacyKernel(tablesOf<VaultTables>(database.db), {
        keyringPath: config.keyringPath,
        clock: systemClock,
      });
      const out: string[] = [];
      for (const item of sealed) {
        const value = await kernel.vault
          .open('customers.name', item, item.value)
          .catch((error: { code?: string }) => `error ${error.code ?? '?'}`);
        out.push(isErased(value) ? 'erased' : value);
      }
      return out;
    } finally {
      await database.close();
    }
  }

  beforeEach(async () => {
    store = await createTestStore(engine);
    config = loadConfig({ env: store.env });
  });

  afterEach(async () => {
    await store.cleanup();
  });

  it('status creates the keyring (mode 0600) on first use and reports it', async () => {
    const run = await cli('keys', 'status');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`KEK provider: keyring file ${config.keyringPath}`);
    expect(run.stdout).toMatch(/version 1 \(current\): 0 data keys/);
    expect(run.stdout).toContain('Shredded subjects: 0');
    expect(statSync(config.keyringPath).mode & 0o777).toBe(0o600);
    const json = await status();
    expect(perVersion(json)).toEqual([[1, true, 0]]);
    expect(json).toMatchObject({ shreddedSubjects: 0, rotation: null });
  });

  it(
    'counts keys per version, rotates, refuses the current version, retires the old one',
    { timeout: 120_000 },
    async () => {
      const sealed = await seed(30, 2);
      const before = await status();
      expect(perVersion(before)).toEqual([[1, true, 28]]);
      expect(before.shreddedSubjects).toBe(2);
      expectOneLineFailure(await cli('keys', 'retire', '1'), /KEK version 1 is the current one/);

      const rotated = await cli('keys', 'rotate', '--batch-size', '7');
      expect(rotated.code).toBe(0);
      expect(rotated.stdout).toContain('Rotating to KEK version 2');
      expect(rotated.stdout).toMatch(/Rotation complete: 28 data keys now wrapped by version 2/);
      expect(perVersion(await status())).toEqual([
        [1, false, 0],
        [2, true, 28],
      ]);
      expectOneLineFailure(await cli('keys', 'retire', '2'), /KEK version 2 is the current one/);

      const retired = await cli('keys', 'retire', '1');
      expect(retired.code).toBe(0);
      expect(retired.stdout).toContain('KEK version 1 retired');
      const after = await status();
      expect(perVersion(after)).toEqual([[2, true, 28]]);
      expect(after).toMatchObject({ shreddedSubjects: 2, rotation: null });
      expectOneLineFailure(await cli('keys', 'retire', '1'), /has no KEK version 1/);
      expect(statSync(config.keyringPath).mode & 0o777).toBe(0o600);

      const expected = sealed.map((item, i) => (i < 2 ? 'erased' : item.plain));
      expect(await readAll(sealed)).toEqual(expected);
    },
  );

  it(
    'refuses to retire a version that data keys still use after an interrupted rotation',
    { timeout: 120_000 },
    async () => {
      const stop = new Error('stopped after one batch');
      const sealed = await seed(20, 0, async (db, kek) => {
        const stopAfterFirstBatch = () => {
          throw stop;
        };
        await expect(
          rotateKeys(db, kek, { batchSize: 8, onProgress: stopAfterFirstBatch }),
        ).rejects.toBe(stop);
      });
      const partial = await status();
      expect(perVersion(partial)).toEqual([
        [1, false, 12],
        [2, true, 8],
      ]);
      expect(partial.rotation?.target).toBe(2);
      const text = await cli('keys', 'status');
      expect(text.stdout).toContain('Rotation to version 2 unfinished');

      expectOneLineFailure(
        await cli('keys', 'retire', '1'),
        /KEK version 1 still wraps 12 data keys; run custodia keys rotate first/,
      );

      const resumed = await cli('keys', 'rotate');
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toContain('Resuming rotation to KEK version 2');
      expect((await cli('keys', 'retire', '1')).code).toBe(0);
      expect(perVersion(await status())).toEqual([[2, true, 20]]);
      expect(await readAll(sealed)).toEqual(sealed.map((item) => item.plain));
    },
  );

  it(
    'stops with one line on an insecure, damaged or missing keyring',
    { timeout: 120_000 },
    async () => {
      await seed(3, 0);
      const whole = readFileSync(config.keyringPath);

      for (const mode of [0o644, 0o640]) {
        chmodSync(config.keyringPath, mode);
        expectOneLineFailure(await cli('keys', 'status'), /group or others.*chmod 600/);
      }
      chmodSync(config.keyringPath, 0o600);

      writeFileSync(config.keyringPath, whole.subarray(0, whole.length >> 1));
      expectOneLineFailure(
        await cli('keys', 'rotate'),
        /truncated, altered or not a Custodia keyring/,
      );
      writeFileSync(config.keyringPath, whole);

      const aside = join(store.dataDir, 'keyring.aside');
      renameSync(config.keyringPath, aside);
      expectOneLineFailure(await cli('keys', 'status'), /missing.*restore the keyring file/);
      renameSync(aside, config.keyringPath);

      const bad = await cli('keys', 'retire', '0');
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('must be a whole number above 0');
      expect(perVersion(await status())).toEqual([[1, true, 3]]);
    },
  );
});
