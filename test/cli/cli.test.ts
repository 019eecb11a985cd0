// The `custodia` command line run as an operator runs it, in a child process: help for every
// command, the version, migrations on each engine, and exactly one clear line on stderr
// (no stack trace) for each way startup can fail.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, type ExpectStatic } from 'vitest';
import { MIGRATIONS } from '../../src/app/migrations.js';
import { buildProgram } from '../../src/cli/program.js';
import { migrationStatus, openDatabase, SQLITE_FILE_NAME } from '../../src/platform/db/index.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import {
  TEST_DATABASE_URL,
  createTestStore,
  describeEachEngine,
  type TestStore,
} from '../helpers/test-engines.js';

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** A start-up failure: non-zero exit, one line on stderr matching `line`, no stack trace. */
function expectOneLineFailure(expect: ExpectStatic, result: CliResult, line: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.signal).toBeNull();
  const lines = result.stderr.split('\n');
  expect(lines.at(-1)).toBe(''); // the line is terminated
  expect(lines.slice(0, -1)).toEqual([expect.stringMatching(line)]);
  for (const output of [result.stderr, result.stdout]) {
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toMatch(/unexpected error/);
  }
}

function commandsUnder(command: Command): Command[] {
  return command.commands.flatMap((sub) => [sub, ...commandsUnder(sub)]);
}

describe('custodia help and version', () => {
  it('lists every command in --help, and each command explains its options', async () => {
    const help = (...args: string[]) => runCli([...args, '--help']);
    const [top, start, migrate, version, keys] = await Promise.all([
      help(),
      help('start'),
      help('migrate'),
      help('version'),
      help('keys'),
    ]);
    for (const result of [top, start, migrate, version, keys]) {
      expect(result).toMatchObject({ code: 0, stderr: '' });
    }
    for (const name of ['start', 'migrate', 'version', 'keys']) {
      expect(top.stdout).toMatch(new RegExp(`^  ${name}\\b.*\\S`, 'm'));
    }
    expect(start.stdout).toMatch(/^Usage: custodia start/);
    expect(start.stdout).toMatch(/--host <host>\s+address to listen on/);
    expect(start.stdout).toMatch(/-p, --port <port>\s+port to listen on/);
    expect(start.stdout).toMatch(/-c, --config <file>\s+JSON file of settings/);
    expect(migrate.stdout).toMatch(/--status\s+list applied and pending migrations/);
    expect(migrate.stdout).toMatch(/-c, --config <file>/);
    expect(version.stdout).toMatch(/print the Custodia version/);
    for (const sub of ['status', 'rotate', 'retire']) {
      expect(keys.stdout).toMatch(new RegExp(`^  ${sub}\\b.*\\S`, 'm'));
    }
  });

  it('describes every command, subcommand, option and argument', () => {
    const commands = commandsUnder(buildProgram());
    expect(commands.map((c) => c.name())).toEqual(
      expect.arrayContaining(['start', 'migrate', 'version', 'keys', 'status', 'rotate', 'retire']),
    );
    for (const command of commands) {
      expect(command.description(), command.name()).toMatch(/\w{3}/);
      for (const option of command.options) {
        expect(option.description, `${command.name()} ${option.flags}`).toMatch(/\w{3}/);
        expect(command.helpInformation()).toContain(option.flags);
      }
      for (const argument of command.registeredArguments) {
        expect(argument.description, `${command.name()} <${argument.name()}>`).toMatch(/\w{3}/);
      }
    }
  });

  it('prints the package version', async () => {
    const [long, short] = await Promise.all([runCli(['version']), runCli(['--version'])]);
    expect(long).toMatchObject({ code: 0, stderr: '' });
    expect(long.stdout).toBe(`custodia ${PACKAGE_VERSION} (node ${process.versions.node})\n`);
    expect(short).toMatchObject({ code: 0, stderr: '', stdout: `${PACKAGE_VERSION}\n` });
  });
});

describeEachEngine('custodia migrate', (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(engine);
  });
  afterAll(() => store.cleanup());

  async function appliedRows(): Promise<{ name: string; timestamp: unknown }[]> {
    const database = await openDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
    try {
      expect(await migrationStatus(database.db, MIGRATIONS)).toEqual({
        applied: MIGRATIONS.map((m) => m.name),
        pending: [],
      });
      const { rows } = await sql<{ name: string; timestamp: unknown }>`
        select name, timestamp from kysely_migration order by name`.execute(database.db);
      return rows;
    } finally {
      await database.close();
    }
  }

  it('applies every migration, and a second run changes nothing', async () => {
    const first = await runCli(['migrate'], { env: store.env });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(
      new RegExp(
        `^(SQLite|PostgreSQL) at .*: schema up to date \\(${MIGRATIONS.length} migrations`,
      ),
    );
    const afterFirst = await appliedRows();
    expect(afterFirst.map((row) => row.name)).toEqual(MIGRATIONS.map((m) => m.name));

    const second = await runCli(['migrate'], { env: store.env });
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(await appliedRows()).toEqual(afterFirst);

    const status = await runCli(['migrate', '--status'], { env: store.env });
    expect(status).toMatchObject({ code: 0, stderr: '' });
    for (const { name } of MIGRATIONS) expect(status.stdout).toContain(`  applied  ${name}\n`);
    expect(status.stdout).not.toContain('pending');
  });
});

// Operators may give each shop its own schema on one server (docs/configuration.md): the
// migrations of one schema must not be mistaken for those of another.
if (TEST_DATABASE_URL !== undefined) {
  describe('custodia migrate on a server shared by several schemas', () => {
    const stores: TestStore[] = [];
    afterAll(async () => {
      for (const store of stores) await store.cleanup();
    });

    it('migrates a fresh schema while another schema already holds migrations', async () => {
      stores.push(await createTestStore('postgres'), await createTestStore('postgres'));
      for (const store of stores) {
        const result = await runCli(['migrate'], { env: store.env });
        expect(result).toMatchObject({ code: 0, stderr: '' });
        const database = await openDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
        try {
          expect(await migrationStatus(database.db, MIGRATIONS)).toEqual({
            applied: MIGRATIONS.map((m) => m.name),
            pending: [],
          });
        } finally {
          await database.close();
        }
      }
    });
  });
}

describe('custodia defaults', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore('sqlite');
  });
  afterAll(() => store.cleanup());

  it('keeps the SQLite database in ./data of the working directory when nothing is set', async () => {
    const result = await runCli(['migrate'], { cwd: store.dataDir });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`SQLite at ${join(store.dataDir, 'data', SQLITE_FILE_NAME)}:`);
  });
});

describe.concurrent('custodia start fails with one clear line', () => {
  let store: TestStore;
  let blocker: Server;
  beforeAll(async () => {
    store = await createTestStore('sqlite');
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
    await store.cleanup();
  });
  const dataDir = (name: string) => join(store.dataDir, name);

  it('names an invalid setting', async ({ expect }) => {
    const result = await runCli(['start'], {
      env: { CUSTODIA_DATA_DIR: dataDir('bad-port'), CUSTODIA_PORT: 'abc' },
    });
    expectOneLineFailure(
      expect,
      result,
      /^custodia: Invalid setting: CUSTODIA_PORT must be a whole number$/,
    );
  });

  it('names an unreadable config file', async ({ expect }) => {
    const missing = dataDir('no-such-config.json');
    const result = await runCli(['start', '--config', missing], {
      env: { CUSTODIA_DATA_DIR: dataDir('no-config') },
    });
    expectOneLineFailure(expect, result, /^custodia: Config file .*no-such-config\.json .*ENOENT/);
  });

  it('reports an unreachable PostgreSQL without its credentials', async ({ expect }) => {
    const url = 'postgres://shop:synthetic-secret@127.0.0.1:1/test';
    const env = { CUSTODIA_DATA_DIR: dataDir('pg'), CUSTODIA_DATABASE_URL: url };
    const [start, status] = await Promise.all([
      runCli(['start'], { env }),
      runCli(['migrate', '--status'], { env }),
    ]);
    for (const result of [start, status]) {
      expectOneLineFailure(
        expect,
        result,
        /^custodia: Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/test: ECONNREFUSED$/,
      );
      expect(result.stderr + result.stdout).not.toContain('synthetic-secret');
    }
  });

  it('reports a data directory that cannot be written', async ({ expect }) => {
    // A path below a regular file cannot be created, even by root.
    const file = dataDir('plain-file');
    writeFileSync(file, 'not a directory');
    const result = await runCli(['start'], { env: { CUSTODIA_DATA_DIR: join(file, 'data') } });
    expectOneLineFailure(
      expect,
      result,
      /^custodia: Data directory .*plain-file\/data cannot be written \(ENOTDIR\)$/,
    );
  });

  it('reports a port already in use', async ({ expect }) => {
    const { port } = blocker.address() as AddressInfo;
    const result = await runCli(['start'], {
      env: {
        CUSTODIA_DATA_DIR: dataDir('busy-port'),
        CUSTODIA_HOST: '127.0.0.1',
        CUSTODIA_PORT: String(port),
      },
    });
    expectOneLineFailure(
      expect,
      result,
      new RegExp(`^custodia: Port ${port} on 127\\.0\\.0\\.1 is already in use$`),
    );
  });
});
