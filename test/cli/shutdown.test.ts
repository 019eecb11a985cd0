// Graceful shutdown: on SIGTERM or SIGINT the server stops accepting connections, lets the
// request in flight finish, closes the SQLite database cleanly and exits 0 in good time.
import { existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/app/migrations.js';
import { SQLITE_FILE_NAME } from '../../src/platform/db/sqlite.js';
import { spawnTs, type ChildHandle } from '../helpers/run-cli.js';
import { createTestStore, type TestStore } from '../helpers/test-engines.js';

const SLOW_SERVER = fileURLToPath(new URL('../fixtures/slow-server.ts', import.meta.url));

interface Answer {
  readonly status: number;
  readonly body: string;
}

/**
 * GET over a keep-alive connection that the client never closes on its own, as a load
 * balancer or browser holds it: shutdown must not wait for the client to let go.
 */
function get(url: string, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Whether a new TCP connection to the port is accepted or refused. */
function tryConnect(port: number): Promise<'accepted' | 'refused'> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    // A connection still queued in the backlog when the listener closes is reset: refused too.
    socket.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET'
        ? resolve('refused')
        : reject(error),
    );
  });
}

/**
 * Connects until the server refuses. Fastify closes its listening socket a few ticks after
 * the signal, so the first attempts may still be accepted; each attempt waits for its own
 * outcome, and a listener that never closes fails the test.
 */
async function untilRefused(port: number): Promise<number> {
  for (let attempt = 1; attempt <= 200; attempt += 1) {
    if ((await tryConnect(port)) === 'refused') return attempt;
  }
  throw new Error('the server still accepts connections after the shutdown signal');
}

describe.each(['SIGTERM', 'SIGINT'] as const)('shutdown on %s', (signal) => {
  let store: TestStore | undefined;
  let server: ChildHandle | undefined;
  let agent: Agent | undefined;
  afterEach(async () => {
    agent?.destroy();
    if (server !== undefined && server.child.exitCode === null) server.child.kill('SIGKILL');
    await server?.exited.catch(() => undefined);
    await store?.cleanup();
  });

  it('finishes the request in flight, refuses new connections, closes the database, exits 0', async () => {
    store = await createTestStore('sqlite');
    server = spawnTs(SLOW_SERVER, [], { env: { ...store.env, CUSTODIA_PORT: '0' } });
    const listening = await server.waitForLog('custodia listening');
    const url = new URL(String(listening['url']));
    const dbFile = join(store.dataDir, SQLITE_FILE_NAME);
    // The database is open in WAL mode: the write-ahead log exists while the server runs.
    expect(existsSync(`${dbFile}-wal`)).toBe(true);

    let answered = false;
    agent = new Agent({ keepAlive: true });
    const inFlight = get(new URL('/slow', url).href, agent).finally(() => (answered = true));
    inFlight.catch(() => undefined); // awaited below; a failure before that must not go unhandled
    await server.waitForLog('slow request held');

    const signalledAt = Date.now();
    server.child.kill(signal);
    await server.waitForLog('shutting down');
    await untilRefused(Number(url.port));
    expect(answered).toBe(false);

    server.child.stdin.write('release\n');
    const answer = await inFlight;
    expect(answer).toEqual({ status: 200, body: JSON.stringify({ finished: true }) });

    const result = await server.exited;
    const elapsed = Date.now() - signalledAt;
    expect({ code: result.code, signal: result.signal, stderr: result.stderr }).toEqual({
      code: 0,
      signal: null,
      stderr: '',
    });
    expect(elapsed).toBeLessThan(5_000);
    await server.waitForLog('shutdown complete');
    expect(await tryConnect(Number(url.port))).toBe('refused');

    // A clean close checkpoints the log into the database file and removes it.
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
    const reopened = new Database(dbFile, { readonly: true });
    try {
      expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
      const applied = reopened.prepare('select count(*) as n from kysely_migration').get();
      expect(applied).toEqual({ n: MIGRATIONS.length });
    } finally {
      reopened.close();
    }
  });
});
