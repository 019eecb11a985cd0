// `custodia demo` and `custodia start --demo` in child processes, as a new user runs them:
// the demo shop is built through the real API (vault, consents, access engine, audit), so
// its customers' names, addresses and messages are nowhere in the data directory in the
// clear (C2.1), and a shop that already has products is never touched.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { currentTotp } from '../../src/identity/mfa/index.js';
import { DEMO_CUSTOMERS, DEMO_PRODUCTS, DEMO_ROLES } from '../../src/workflows/demo/index.js';
import { bearer } from '../helpers/identity.js';
import { assertNoLeaks, scanForMarkers } from '../helpers/leak-scan.js';
import { CLI_ENTRY, runCli, spawnTs, type CliResult } from '../helpers/run-cli.js';
import { createTestApp } from '../helpers/test-app.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

interface PrintedDemo {
  url: string;
  staff: {
    role: string;
    id: string;
    email: string;
    password: string;
    totpSecret: string;
    otpauthUri: string;
  }[];
  customer: { email: string; password: string };
  otherCustomers: string[];
  products: number;
  orders: { number: string; status: string }[];
  tickets: number;
  missing: string[];
  curl: string[];
}

const SLOW = 180_000;

/** Everything personal the demo typed in: none of it may rest in the clear. */
function demoMarkers(printed: PrintedDemo): string[] {
  return [
    ...DEMO_CUSTOMERS.flatMap((customer) => [
      customer.name,
      customer.handle,
      customer.phone,
      customer.address.line1,
      ...(customer.ticket === undefined
        ? []
        : [customer.ticket.subject, customer.ticket.body, customer.ticket.reply]),
    ]),
    printed.customer.email,
    ...printed.otherCustomers,
    ...printed.staff.map((login) => login.email),
  ];
}

/** Resolves with what a child wrote to stdout or stderr once it first matches `pattern`. */
function watch(
  child: ReturnType<typeof spawnTs>,
  stream: 'stdout' | 'stderr',
  pattern: RegExp,
): Promise<string> {
  let seen = '';
  return new Promise((resolve, reject) => {
    child.child[stream].on('data', (chunk: string) => {
      seen += chunk;
      if (pattern.test(seen)) resolve(seen);
    });
    void child.exited.then((result) =>
      reject(new Error(`exited (${result.code}): ${result.stderr}`)),
    );
  });
}

describeEachEngine('custodia demo', (engine) => {
  let store: TestStore;
  let first: CliResult;
  let printed: PrintedDemo;
  const demo = (...args: string[]) =>
    runCli(['demo', ...args], { env: { ...store.env, CUSTODIA_LOG_LEVEL: 'silent' } });

  beforeAll(async () => {
    store = await createTestStore(engine);
    first = await demo('--json');
    printed = JSON.parse(first.stdout) as PrintedDemo;
  }, SLOW);
  afterAll(async () => store.cleanup());

  it('loads the whole shop and prints one staff login per role as JSON', () => {
    expect(first.code).toBe(0);
    expect(printed.missing).toEqual([]);
    expect(printed.staff.map((login) => login.role)).toEqual([...DEMO_ROLES]);
    for (const login of printed.staff) {
      expect(login.email).toMatch(/@example\.test$/);
      expect(login.password.length).toBeGreaterThanOrEqual(12);
      expect(login.otpauthUri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
      expect(login.otpauthUri).toContain(login.totpSecret);
    }
    expect(printed.customer.email).toMatch(/@example\.test$/);
    expect(printed.products).toBe(DEMO_PRODUCTS.length);
    expect(printed.orders.map((order) => order.status).sort()).toEqual(
      ['delivered', 'fulfilled', 'paid', 'refunded'].sort(),
    );
    expect(printed.tickets).toBe(1);
    expect(printed.curl.some((line) => line.includes(`${printed.url}/store/products`))).toBe(true);
    // Progress went to stderr, so stdout is JSON alone.
    expect(first.stderr).toMatch(/Loading the demo shop/);
  });

  it(
    'leaves the shop browsable, and every printed login works',
    async () => {
      const t = await createTestApp(engine, { store });
      try {
        const products = await t.app.inject({ url: '/store/products?limit=100' });
        expect(products.statusCode).toBe(200);
        const titles = products
          .json<{ products: { title: string }[] }>()
          .products.map((p) => p.title);
        expect(titles.sort()).toEqual(DEMO_PRODUCTS.map((p) => p.title).sort());

        const customer = await t.app.inject({
          method: 'POST',
          url: '/store/sessions',
          payload: printed.customer,
        });
        expect(customer.statusCode).toBe(201);
        const orders = await t.app.inject({
          url: '/store/orders',
          headers: bearer(customer.json()),
        });
        expect(orders.statusCode).toBe(200);
        expect(JSON.stringify(orders.json())).toContain(printed.orders[0]?.number);

        // The privacy officer never logged in during the demo, so this code is fresh.
        const officer = printed.staff.find((login) => login.role === 'privacy_officer');
        const staff = await t.app.inject({
          method: 'POST',
          url: '/admin/sessions',
          payload: {
            email: officer?.email,
            password: officer?.password,
            totp: currentTotp(officer?.totpSecret ?? '', new Date()),
          },
        });
        expect(staff.statusCode).toBe(201);
      } finally {
        await t.close();
      }
    },
    SLOW,
  );

  it(
    'refuses a second run on a shop with products: exit 1, one line (C2.1: nothing mixed in)',
    async () => {
      const again = await demo();
      expect(again.code).toBe(1);
      expect(again.stdout).toBe('');
      expect(again.stderr).toBe(
        'custodia: the shop already has products; the demo loads only into an empty shop\n',
      );
    },
    SLOW,
  );

  it(
    'leaves no demo customer’s name, email, phone, address or message in the clear (C2.1)',
    async () => {
      const findings = await scanForMarkers({
        markers: demoMarkers(printed),
        dataDir: store.dataDir,
        ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
      });
      assertNoLeaks(findings);
    },
    SLOW,
  );
});

describeEachEngine('custodia start --demo', (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(engine);
  });
  afterAll(async () => store.cleanup());

  const start = () =>
    spawnTs(CLI_ENTRY, ['start', '--demo'], {
      env: { ...store.env, CUSTODIA_PORT: '0', CUSTODIA_LOG_LEVEL: 'info' },
    });

  it(
    'loads the demo into an empty shop, then serves it; a shop with products starts as usual',
    async () => {
      const server = start();
      const text = await watch(server, 'stdout', /These passwords are shown once/);
      const { url } = (await server.waitForLog('custodia listening')) as { url: string };
      expect(text).toMatch(/Demo shop loaded: 5 products, 6 staff accounts/);
      for (const role of DEMO_ROLES) expect(text).toMatch(new RegExp(`^  ${role}$`, 'm'));
      expect(text).toContain(`URL: ${url}`);
      const products = await fetch(`${url}/store/products`);
      expect((await products.json()) as { products: unknown[] }).toMatchObject({
        products: expect.arrayContaining([
          expect.objectContaining({ title: 'Linen Tote Bag' }),
        ]) as unknown,
      });
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);

      const again = start();
      await again.waitForLog('custodia listening');
      again.child.kill('SIGTERM');
      const result = await again.exited;
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(
        'custodia: demo not loaded: the shop already has products; the demo loads only into an empty shop\n',
      );
      expect(result.stdout).not.toMatch(/Demo shop loaded/);
    },
    SLOW,
  );
});
