// Checkout over HTTP (issue 6): autocannon against a server process on each engine with
// durable commits, once as Custodia ships and once with the vault's codec and the audit
// sink replaced by pass-through stand-ins, in the same run. The privacy tax is
// 1 − protected ÷ pass-through throughput.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freshPostgresSchema } from '../test/helpers/postgres-schema.js';
import { spawnTs } from '../test/helpers/run-cli.js';
import type { Figure } from './harness.js';

const SERVER = fileURLToPath(new URL('./fixtures/checkout-server.ts', import.meta.url));
const WARM_UP = 300;
const MEASURED = 3000;
const CONNECTIONS = 16;

interface Ready {
  readonly url: string;
  readonly carts: string[];
  readonly token: string;
}

interface Run {
  readonly ordersPerSecond: number;
  readonly p50: number;
  readonly p99: number;
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
 * Checks out each cart once, `connections` at a time; fails on any answer but 201. The
 * rate is timed from the start to the last answer: autocannon's own duration ends on its
 * one-second sampling tick, which would round every run up to whole seconds.
 */
async function checkouts(ready: Ready, carts: readonly string[]): Promise<Run> {
  let next = 0;
  const started = performance.now();
  let lastAnswer = started;
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
        },
      },
    ],
  });
  const ok = result['2xx'];
  if (ok !== carts.length) {
    throw new Error(`checkout benchmark: ${ok} of ${carts.length} checkouts answered 2xx`);
  }
  return {
    ordersPerSecond: ok / ((lastAnswer - started) / 1000),
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

async function runOnce(mode: 'protected' | 'pass-through', databaseUrl?: string): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'custodia-bench-checkout-'));
  const schema = databaseUrl === undefined ? undefined : await freshPostgresSchema(databaseUrl);
  const server = spawnTs(SERVER, [mode, String(WARM_UP + MEASURED)], {
    env: {
      CUSTODIA_DATA_DIR: join(dir, 'data'),
      CUSTODIA_MAIL_DIR: join(dir, 'mail'),
      CUSTODIA_PORT: '0',
      CUSTODIA_LOG_LEVEL: 'silent',
      CUSTODIA_TAX_RATES: 'NL=21',
      // The benchmark measures checkouts, not the per-address rate limit.
      CUSTODIA_RATE_LIMIT_MAX: '1000000',
      ...(schema === undefined
        ? {}
        : { CUSTODIA_DATABASE_URL: schema.url, CUSTODIA_DB_POOL_MAX: '16' }),
    },
  });
  try {
    const ready = (await server.waitForLog('checkout bench ready')) as unknown as Ready;
    await checkouts(ready, ready.carts.slice(0, WARM_UP));
    return await checkouts(ready, ready.carts.slice(WARM_UP));
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Rounds of each mode per engine, alternated (on, pass-through, on, …): a machine shared
 * with other work drifts by more than the tax being measured, so each mode is taken at its
 * median round, and both modes see the same drift.
 */
const ROUNDS = 3;

/** The round with the median throughput. */
function median(runs: readonly Run[]): Run {
  const sorted = [...runs].sort((a, b) => a.ordersPerSecond - b.ordersPerSecond);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle === undefined) throw new Error('checkout benchmark: no rounds');
  return middle;
}

async function engineFigures(label: string, databaseUrl?: string): Promise<Figure[]> {
  const on: Run[] = [];
  const off: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    on.push(await runOnce('protected', databaseUrl));
    off.push(await runOnce('pass-through', databaseUrl));
  }
  const shipped = median(on);
  const bare = median(off);
  return [
    { name: `${label}: orders/s, privacy on`, value: shipped.ordersPerSecond, unit: 'orders/s' },
    { name: `${label}: p50, privacy on`, value: shipped.p50, unit: 'ms' },
    { name: `${label}: p99, privacy on`, value: shipped.p99, unit: 'ms' },
    { name: `${label}: orders/s, pass-through`, value: bare.ordersPerSecond, unit: 'orders/s' },
    { name: `${label}: p50, pass-through`, value: bare.p50, unit: 'ms' },
    { name: `${label}: p99, pass-through`, value: bare.p99, unit: 'ms' },
    {
      name: `${label}: privacy tax (1 − on ÷ pass-through, medians)`,
      value: (1 - shipped.ordersPerSecond / bare.ordersPerSecond) * 100,
      unit: '%',
    },
    ...on.map((run, i) => ({
      name: `${label}: round ${i + 1}, privacy on`,
      value: run.ordersPerSecond,
      unit: 'orders/s',
    })),
    ...off.map((run, i) => ({
      name: `${label}: round ${i + 1}, pass-through`,
      value: run.ordersPerSecond,
      unit: 'orders/s',
    })),
  ];
}

/** Orders per second, p50 and p99, with privacy on and with pass-through stand-ins, per engine. */
export async function checkoutBenchmark(postgresUrl?: string): Promise<Figure[]> {
  return [
    ...(await engineFigures('SQLite')),
    ...(postgresUrl === undefined ? [] : await engineFigures('PostgreSQL', postgresUrl)),
  ];
}
