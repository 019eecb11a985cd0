// The checkout benchmark's server and load, shared by the benchmark and by
// bench/profile-checkout.ts: a server process with its carts, warmed up; autocannon
// checking out a list of carts, each once, with the full guest form, timed from the first
// request until every order's confirmation mail is written.
import { mkdirSync, mkdtempSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freshPostgresSchema } from '../test/helpers/postgres-schema.js';
import { spawnTs, type ChildHandle } from '../test/helpers/run-cli.js';

const SERVER = fileURLToPath(new URL('./fixtures/checkout-server.ts', import.meta.url));
/**
 * Checkouts before the measured ones, on carts of their own. A server kept speeding up
 * over its first few thousand checkouts (its compiler, heap and page cache settling), so
 * with 300 the first pairs of a run were slower than the last and their taxes scattered.
 */
const WARM_UP = 3000;

/** Checkouts in flight at once. */
const CONNECTIONS = 16;

/** What the benchmark's server prints once it is ready. */
export interface Ready {
  readonly url: string;
  readonly carts: string[];
  readonly token: string;
}

/** One measured run. */
export interface Run {
  /** Orders whose confirmation mail was written, per second (answered ones without a mail directory). */
  readonly ordersPerSecond: number;
  /** Orders answered per second: to the last answer, before the mails that trail it. */
  readonly answeredPerSecond: number;
  /** Confirmation mails written by the last answer, of the run's orders (1 without a mail directory). */
  readonly mailedAtLastAnswer: number;
  readonly p50: number;
  readonly p99: number;
}

const MAIL_GIVE_UP_MS = 60_000;

/**
 * Notes when each confirmation mail the server writes into `dir` from now on appears, as
 * the kernel reports it (inotify): each appears whole, renamed to its `.eml` name.
 * Watching instead of listing the directory keeps the benchmark off the directory's lock,
 * which the server's mailer takes for every file it creates and renames.
 */
function watchMails(dir: string): {
  seen(): number;
  written(count: number): Promise<number>;
  close(): void;
} {
  const times: number[] = [];
  let waiting: { count: number; resolve(at: number): void } | undefined;
  // The server makes it on its first mail; its warm-up has, but a watch needs it now.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const watcher = watch(dir, (event, name) => {
    if (event !== 'rename' || name === null || !name.endsWith('.eml')) return;
    const at = performance.now();
    times.push(at);
    if (times.length === waiting?.count) waiting.resolve(at);
  });
  return {
    seen: () => times.length,
    /**
     * When the `count`th mail appeared. Asked once autocannon has returned, which it does
     * on its one-second sampling tick, often after the last mail: hence the time noted
     * as each mail appeared, not the time of asking.
     */
    written: (count) => {
      const at = times[count - 1];
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `checkout benchmark: ${times.length} of ${count} mails after ${MAIL_GIVE_UP_MS} ms`,
            ),
          );
        }, MAIL_GIVE_UP_MS);
        waiting = {
          count,
          resolve: (when) => {
            clearTimeout(timer);
            resolve(when);
          },
        };
      });
    },
    close: () => watcher.close(),
  };
}

const FORM = (token: string) =>
  JSON.stringify({
    email: 'bench-buyer@example.test',
    name: 'Bench Buyer',
    phone: '+31 20 555 0100',
    shippingAddress: {
      line1: '1 Bench Street',
      city: 'Utrecht',
      postalCode: '3511 AB',
      country: 'NL',
    },
    paymentToken: token,
  });

/**
 * Checks out each cart once, `connections` at a time; fails on any answer but 201. With
 * the server's `mailDir`, the run is timed from the start until every order's confirmation
 * mail is written: the outbox sends the mails after the answers, and a rate that stopped
 * at the last answer would leave work it caused out of its time (under load the outbox
 * falls behind the answers). It is timed by the benchmark itself: autocannon's own
 * duration ends on its one-second sampling tick, which would round every run up to whole
 * seconds.
 */
export async function checkouts(
  ready: Ready,
  carts: readonly string[],
  mailDir?: string,
): Promise<Run> {
  const mails = mailDir === undefined ? undefined : watchMails(mailDir);
  try {
    let next = 0;
    const started = performance.now();
    let lastAnswer = started;
    let mailedByLastAnswer = 0;
    const result = await autocannon({
      url: ready.url,
      connections: CONNECTIONS,
      amount: carts.length,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: FORM(ready.token),
          setupRequest: (request) => ({
            ...request,
            path: `/store/carts/${carts[next++ % carts.length] ?? ''}/checkout`,
          }),
          onResponse: () => {
            lastAnswer = performance.now();
            mailedByLastAnswer = mails?.seen() ?? 0;
          },
        },
      ],
    });
    const ok = result['2xx'];
    if (ok !== carts.length) {
      throw new Error(`checkout benchmark: ${ok} of ${carts.length} checkouts answered 2xx`);
    }
    const answeredPerSecond = ok / ((lastAnswer - started) / 1000);
    const done = mails === undefined ? lastAnswer : await mails.written(ok);
    return {
      ordersPerSecond: ok / ((done - started) / 1000),
      answeredPerSecond,
      mailedAtLastAnswer: mails === undefined ? 1 : mailedByLastAnswer / ok,
      p50: result.latency.p50,
      p99: result.latency.p99,
    };
  } finally {
    mails?.close();
  }
}

/** As Custodia ships, or with the vault's codec and the audit sink passed through. */
export type CheckoutMode = 'protected' | 'pass-through';

/** A benchmark server, warmed up, with the carts left for the measured run. */
export interface CheckoutServer {
  readonly ready: Ready;
  readonly measured: readonly string[];
  readonly child: ChildHandle['child'];
  /** Where its mailer writes the confirmation mails. */
  readonly mailDir: string;
  /** Its own directory (data, mail, and whatever `nodeArgs` put there). */
  readonly dir: string;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Drops its PostgreSQL schema and deletes its directory. */
  cleanup(): Promise<void>;
}

/**
 * Starts the benchmark's server on SQLite, or on a fresh schema of `databaseUrl`, with
 * `measured` carts plus the warm-up's, and checks out the warm-up carts.
 */
export async function startCheckoutServer(
  mode: CheckoutMode,
  measured: number,
  options: {
    databaseUrl?: string | undefined;
    nodeArgs?: (dir: string) => string[];
    /** More settings for the server (CUSTODIA_BENCH_…). */
    env?: (dir: string) => Readonly<Record<string, string>>;
  } = {},
): Promise<CheckoutServer> {
  const dir = mkdtempSync(join(tmpdir(), 'custodia-bench-checkout-'));
  const mailDir = join(dir, 'mail');
  const { databaseUrl } = options;
  const schema = databaseUrl === undefined ? undefined : await freshPostgresSchema(databaseUrl);
  const server = spawnTs(SERVER, [mode, String(WARM_UP + measured)], {
    nodeArgs: options.nodeArgs?.(dir) ?? [],
    env: {
      CUSTODIA_DATA_DIR: join(dir, 'data'),
      CUSTODIA_MAIL_DIR: mailDir,
      CUSTODIA_PORT: '0',
      CUSTODIA_LOG_LEVEL: 'silent',
      CUSTODIA_TAX_RATES: 'NL=21',
      // The benchmark measures checkouts, not the per-address rate limit.
      CUSTODIA_RATE_LIMIT_MAX: '1000000',
      ...(schema === undefined
        ? {}
        : { CUSTODIA_DATABASE_URL: schema.url, CUSTODIA_DB_POOL_MAX: '16' }),
      ...options.env?.(dir),
    },
  });
  const stop = async () => {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGTERM');
    }
    await server.exited;
  };
  const cleanup = async () => {
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ready = (await server.waitForLog('checkout bench ready')) as unknown as Ready;
    await checkouts(ready, ready.carts.slice(0, WARM_UP));
    return {
      ready,
      measured: ready.carts.slice(WARM_UP),
      child: server.child,
      mailDir,
      dir,
      stop,
      cleanup,
    };
  } catch (error) {
    await stop();
    await cleanup();
    throw error;
  }
}
