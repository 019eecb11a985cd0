import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../src/app/config.js';
import { startServer } from '../src/app/server.js';
import { PasswordHasher } from '../src/identity/passwords/index.js';
import { createStaff } from '../src/identity/staff/index.js';
import { createLogger } from '../src/platform/logging/index.js';
import { medianRate, type Figure } from './harness.js';

const LOGINS = 20;
const ROUNDS = 5;

const median = (list: readonly number[]) =>
  [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
const DURATION_S = 10;
const CONNECTIONS = 10;

async function withServer<T>(
  run: (server: Awaited<ReturnType<typeof startServer>>) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'custodia-bench-identity-'));
  const config = loadConfig({
    env: {
      CUSTODIA_DATA_DIR: join(dir, 'data'),
      CUSTODIA_MAIL_DIR: join(dir, 'mail'),
      CUSTODIA_PORT: '0',
      CUSTODIA_LOG_LEVEL: 'silent',
      // The benchmark measures the work of a request, not the per-address rate limit.
      CUSTODIA_RATE_LIMIT_MAX: '1000000',
    },
  });
  const server = await startServer(config, { logger: createLogger({ level: 'silent' }) });
  try {
    return await run(server);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Customer logins per second, one at a time (one core's worth of Argon2id), against raw
 * Argon2id verifications with the same parameters in the same run.
 */
export async function loginBenchmark(): Promise<Figure[]> {
  return withServer(async ({ app }) => {
    const email = 'bench-login@example.test';
    const password = 'bench-password-correct-horse';
    await app.inject({
      method: 'POST',
      url: '/store/customers',
      payload: { email, name: 'Bench', password },
    });
    let address = 0;
    const login = async () => {
      address += 1;
      const response = await app.inject({
        method: 'POST',
        url: '/store/sessions',
        payload: { email, password },
        remoteAddress: `10.1.${address >> 8}.${address & 255}`,
      });
      if (response.statusCode !== 201) throw new Error(`login answered ${response.statusCode}`);
    };
    const hasher = new PasswordHasher();
    const hash = await hasher.hash(password);
    // Rounds alternate, so that a busy moment of the machine hits both sides alike.
    const logins: number[] = [];
    const verifies: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      logins.push(
        await medianRate(1, LOGINS, async () => {
          for (let i = 0; i < LOGINS; i++) await login();
        }),
      );
      verifies.push(
        await medianRate(1, LOGINS, async () => {
          for (let i = 0; i < LOGINS; i++) await hasher.verify(hash, password);
        }),
      );
    }
    const loginRate = median(logins);
    const verifyRate = median(verifies);
    return [
      { name: 'customer logins, one at a time (per core)', value: loginRate, unit: 'logins/s' },
      { name: 'raw Argon2id verifications, one at a time', value: verifyRate, unit: 'verifies/s' },
      { name: 'login cost (verify ÷ login rate)', value: verifyRate / loginRate, unit: '×' },
    ];
  });
}

async function cannon(url: string, headers: Record<string, string>): Promise<autocannon.Result> {
  return autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION_S });
}

/**
 * An authenticated, masked read of a customer over HTTP (session lookup, guard, access
 * decision, vault open, masking, audit write), against `GET /healthz` on the same server.
 */
export async function maskedReadBenchmark(): Promise<Figure[]> {
  return withServer(async (server) => {
    const { app } = server;
    const email = 'bench-read@example.test';
    await app.inject({
      method: 'POST',
      url: '/store/customers',
      payload: {
        email,
        name: 'Bench Reader',
        password: 'bench-password-correct-horse',
        phone: '+44 20 7946 0000',
      },
    });
    const [customer] = await app.identity.customers.vault.lookup('customers.email', email);
    if (customer === undefined) throw new Error('customer not registered');
    const agent = await createStaff(
      app.identity.staff,
      {
        email: 'bench-agent@example.test',
        roles: ['support_agent'],
        password: 'bench-agent-password-42',
      },
      { kind: 'system', name: 'bench' },
      null,
    );
    const { token } = await app.identity.staff.sessions.create('staff', agent.id);
    const read = await cannon(`${server.url}/admin/customers/${customer.subjectId}`, {
      authorization: `Bearer ${token}`,
    });
    const health = await cannon(`${server.url}/healthz`, {});
    if (read.non2xx > 0) throw new Error(`${read.non2xx} reads were not 2xx`);
    return [
      {
        name: `masked customer reads (${CONNECTIONS} connections)`,
        value: read.requests.average,
        unit: 'requests/s',
      },
      { name: 'masked read latency p50', value: read.latency.p50, unit: 'ms' },
      { name: 'masked read latency p99', value: read.latency.p99, unit: 'ms' },
      {
        name: 'GET /healthz on the same server',
        value: health.requests.average,
        unit: 'requests/s',
      },
      {
        name: 'masked read cost (healthz ÷ read rate)',
        value: health.requests.average / read.requests.average,
        unit: '×',
      },
    ];
  });
}
