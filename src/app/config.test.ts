// Configuration is read once, validated and frozen: documented defaults, the environment
// over the config file, and a one-line StartupError naming the setting for every bad value.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from './config.js';
import { StartupError } from './startup-error.js';

const CWD = '/srv/shop';
const dir = mkdtempSync(join(tmpdir(), 'custodia-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(env: Record<string, string>, file?: string): Config {
  return loadConfig({ env, cwd: CWD, ...(file === undefined ? {} : { file }) });
}

/** The error loadConfig throws for these sources; fails when it does not throw. */
function failure(env: Record<string, string>, file?: string): StartupError {
  try {
    load(env, file);
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    return error as StartupError;
  }
  throw new Error('loadConfig accepted an invalid configuration');
}

let files = 0;
function configFile(text: string): string {
  const path = join(dir, `config-${(files += 1)}.json`);
  writeFileSync(path, text);
  return path;
}

describe('loadConfig defaults', () => {
  it('serves SQLite from ./data on 127.0.0.1:3000 when nothing is set', () => {
    expect(load({})).toMatchObject({
      dataDir: '/srv/shop/data',
      host: '127.0.0.1',
      port: 3000,
      databaseUrl: undefined,
      dbPoolMax: 10,
      keyringPath: '/srv/shop/data/keyring.json',
      logLevel: 'info',
      tls: undefined,
      bodyLimit: 262_144,
      rateLimit: { max: 600, windowMs: 60_000, store: 'memory' },
      trustProxy: false,
      shutdownTimeoutMs: 10_000,
    });
  });

  it('treats empty variables as unset and ignores unrelated ones', () => {
    expect(load({ CUSTODIA_PORT: '', CUSTODIA_HOST: '', HOME: '/root' })).toEqual(load({}));
  });

  it('shares rate limits through the database on PostgreSQL', () => {
    const config = load({ CUSTODIA_DATABASE_URL: 'postgres://shop@db.internal:5432/shop' });
    expect(config.databaseUrl).toBe('postgres://shop@db.internal:5432/shop');
    expect(config.rateLimit.store).toBe('database');
  });
});

describe('loadConfig from the environment', () => {
  it('reads every setting and resolves relative paths against the working directory', () => {
    const config = load({
      CUSTODIA_DATA_DIR: 'var/custodia',
      CUSTODIA_HOST: '0.0.0.0',
      CUSTODIA_PORT: '8443',
      CUSTODIA_DATABASE_URL: 'postgresql://shop@db:5432/shop',
      CUSTODIA_DB_POOL_MAX: '25',
      CUSTODIA_KEYRING: '/etc/custodia/keyring.json',
      CUSTODIA_LOG_LEVEL: 'debug',
      CUSTODIA_TLS_CERT: 'tls/cert.pem',
      CUSTODIA_TLS_KEY: '/etc/tls/key.pem',
      CUSTODIA_BODY_LIMIT: '4096',
      CUSTODIA_RATE_LIMIT_MAX: '50',
      CUSTODIA_RATE_LIMIT_WINDOW_MS: '2000',
      CUSTODIA_RATE_LIMIT_STORE: 'memory',
      CUSTODIA_TRUST_PROXY: 'true',
      CUSTODIA_SHUTDOWN_TIMEOUT_MS: '500',
    });
    expect(config).toMatchObject({
      dataDir: '/srv/shop/var/custodia',
      host: '0.0.0.0',
      port: 8443,
      databaseUrl: 'postgresql://shop@db:5432/shop',
      dbPoolMax: 25,
      keyringPath: '/etc/custodia/keyring.json',
      logLevel: 'debug',
      tls: { certPath: '/srv/shop/tls/cert.pem', keyPath: '/etc/tls/key.pem' },
      bodyLimit: 4096,
      rateLimit: { max: 50, windowMs: 2000, store: 'memory' },
      trustProxy: true,
      shutdownTimeoutMs: 500,
    });
  });

  it('accepts port 0 (a free port) and trims whitespace around numbers', () => {
    expect(load({ CUSTODIA_PORT: '0' }).port).toBe(0);
    expect(load({ CUSTODIA_PORT: ' 8080 ' }).port).toBe(8080);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('reads CUSTODIA_TRUST_PROXY=%s as %s', (value, expected) => {
    expect(load({ CUSTODIA_TRUST_PROXY: value }).trustProxy).toBe(expected);
  });
});

describe('loadConfig from a file', () => {
  it('reads the same keys from a JSON file, with JSON numbers and booleans', () => {
    const file = configFile(
      JSON.stringify({ CUSTODIA_PORT: 8080, CUSTODIA_TRUST_PROXY: true, CUSTODIA_HOST: '::1' }),
    );
    expect(load({}, file)).toMatchObject({ port: 8080, trustProxy: true, host: '::1' });
  });

  it('lets the environment win over the file', () => {
    const file = configFile(JSON.stringify({ CUSTODIA_PORT: 8080, CUSTODIA_LOG_LEVEL: 'warn' }));
    expect(load({ CUSTODIA_PORT: '9090' }, file)).toMatchObject({ port: 9090, logLevel: 'warn' });
  });

  it('finds the file through CUSTODIA_CONFIG, relative to the working directory', () => {
    const file = configFile(JSON.stringify({ CUSTODIA_PORT: 7070 }));
    const config = loadConfig({ env: { CUSTODIA_CONFIG: file.slice(dir.length + 1) }, cwd: dir });
    expect(config.port).toBe(7070);
  });

  it.each([
    ['a missing file', undefined, /^Config file .*missing\.json cannot be read \(ENOENT\)$/],
    ['invalid JSON', '{"CUSTODIA_PORT": 80', /^Config file .* is not valid JSON$/],
    ['an array', '[]', /^Config file .* must hold a JSON object of settings$/],
    ['null', 'null', /^Config file .* must hold a JSON object of settings$/],
    ['an unknown key', '{"CUSTODIA_PROT": 80}', /^Invalid setting: unknown setting CUSTODIA_PROT$/],
  ])('refuses %s', (_what, text, message) => {
    const file = text === undefined ? join(dir, 'missing.json') : configFile(text);
    expect(failure({}, file).message).toMatch(message);
  });

  it.each([
    ['null', null],
    ['true', true],
    ['an empty string', ''],
    ['an empty array', []],
    ['a fraction', 80.5],
  ])('refuses %s as a port instead of reading it as a number', (_what, value) => {
    const file = configFile(JSON.stringify({ CUSTODIA_PORT: value }));
    expect(failure({}, file).message).toBe('Invalid setting: CUSTODIA_PORT must be a whole number');
  });
});

describe('loadConfig refuses invalid values', () => {
  it.each([
    ['CUSTODIA_PORT', 'abc', 'must be a whole number'],
    ['CUSTODIA_PORT', '80.5', 'must be a whole number'],
    ['CUSTODIA_PORT', '   ', 'must be a whole number'],
    ['CUSTODIA_PORT', '0x50', 'must be a whole number'],
    ['CUSTODIA_PORT', '8e3', 'must be a whole number'],
    ['CUSTODIA_PORT', '65536', 'must be at most 65535'],
    ['CUSTODIA_PORT', '-1', 'must be at least 0'],
    ['CUSTODIA_HOST', '   ', 'must not be empty'],
    ['CUSTODIA_DATA_DIR', ' ', 'must not be empty'],
    ['CUSTODIA_DB_POOL_MAX', '0', 'must be at least 1'],
    ['CUSTODIA_LOG_LEVEL', 'loud', 'must be one of fatal, error, warn, info, debug, trace, silent'],
    ['CUSTODIA_LOG_LEVEL', 'INFO', 'must be one of fatal, error, warn, info, debug, trace, silent'],
    ['CUSTODIA_BODY_LIMIT', '10', 'must be at least 1024'],
    ['CUSTODIA_RATE_LIMIT_MAX', '0', 'must be at least 1'],
    ['CUSTODIA_RATE_LIMIT_WINDOW_MS', '999', 'must be at least 1000'],
    ['CUSTODIA_RATE_LIMIT_STORE', 'redis', 'must be memory or database'],
    ['CUSTODIA_TRUST_PROXY', 'yes', 'must be true, false, 1 or 0'],
    ['CUSTODIA_SHUTDOWN_TIMEOUT_MS', '60001', 'must be at most 60000'],
  ])('%s=%j: "%s"', (name, value, reason) => {
    const error = failure({ [name]: value });
    expect(error.message).toBe(`Invalid setting: ${name} ${reason}`);
  });

  it.each([
    'mysql://shop:synthetic-secret@db/shop',
    'sqlite:./shop.db',
    'postgres://shop:synthetic-secret@db /shop',
    'http://synthetic-secret@db/shop',
  ])('refuses a database URL that is not postgres:// without echoing it: %s', (url) => {
    const { message } = failure({ CUSTODIA_DATABASE_URL: url });
    expect(message).toBe(
      'Invalid setting: CUSTODIA_DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for SQLite)',
    );
    expect(message).not.toContain('synthetic-secret');
  });

  it.each([{ CUSTODIA_TLS_CERT: '/etc/tls/cert.pem' }, { CUSTODIA_TLS_KEY: '/etc/tls/key.pem' }])(
    'refuses a TLS certificate without its key, or the reverse: %j',
    (env) => {
      expect(failure(env).message).toBe(
        'Invalid setting: CUSTODIA_TLS_CERT and CUSTODIA_TLS_KEY must be set together (or neither)',
      );
    },
  );

  it('names exactly one setting on one line, even when several are wrong', () => {
    const { message } = failure({ CUSTODIA_PORT: 'abc', CUSTODIA_LOG_LEVEL: 'loud' });
    expect(message).not.toContain('\n');
    expect(message).toMatch(/^Invalid setting: CUSTODIA_(PORT|LOG_LEVEL) /);
  });
});

describe('the loaded configuration', () => {
  it('is frozen, nested objects included', () => {
    const config = load({ CUSTODIA_TLS_CERT: 'c.pem', CUSTODIA_TLS_KEY: 'k.pem' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.rateLimit)).toBe(true);
    expect(Object.isFrozen(config.tls)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.rateLimit as { max: number }).max = 1;
    }).toThrow(TypeError);
    expect(config.port).toBe(3000);
  });
});
