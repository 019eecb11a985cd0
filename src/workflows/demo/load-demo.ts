import type { StaffDeps } from '../../identity/staff/index.js';
import type { DemoHttp } from './demo-client.js';
import { DEMO_CUSTOMERS, DEMO_PRODUCTS, DEMO_ROLES } from './demo-data.js';
import { DemoRun, type Route } from './demo-run.js';
import type { DemoStaffLogin } from './demo-staff.js';
import { SUPPORT_ROUTES } from './demo-support.js';

/** Told of each step as the demo loads (a progress bar). */
export interface DemoProgress {
  start(total: number): void;
  step(label: string): void;
  stop(): void;
}

/** What was loaded and how to log in: printed by `custodia demo` as text or JSON. */
export interface DemoReport {
  readonly url: string;
  readonly staff: readonly DemoStaffLogin[];
  /** One customer to log in as; the others share the password. */
  readonly customer: { readonly email: string; readonly password: string };
  readonly otherCustomers: readonly string[];
  readonly products: number;
  readonly orders: readonly { readonly number: string; readonly status: string }[];
  readonly tickets: number;
  /** Parts of the shop this build does not serve, so the demo could not create them. */
  readonly missing: readonly string[];
}

/** What the demo is loaded into: the app's routes, and staff accounts (created as the CLI does). */
export interface DemoTarget {
  readonly http: DemoHttp;
  readonly staff: StaffDeps;
}

const CATALOG_ROUTES: readonly Route[] = [['POST', '/admin/products']];
const ORDER_ROUTES: readonly Route[] = [
  ['POST', '/store/carts'],
  ['POST', '/store/carts/:id/lines'],
  ['POST', '/test-payments/tokens'],
  ['POST', '/store/carts/:id/checkout'],
  ['GET', '/store/orders/:id'],
];

type Step = { readonly label: string; readonly run: () => Promise<void> };

/** The steps in order: staff, catalog, customers, orders, the ticket; absent parts left out. */
function plan(run: DemoRun): Step[] {
  const steps: Step[] = DEMO_ROLES.map((role) => ({
    label: `staff ${role}`,
    run: () => run.staffMember(role),
  }));
  const catalog = run.serves('products', CATALOG_ROUTES);
  if (catalog) {
    for (const product of DEMO_PRODUCTS) {
      steps.push({ label: `product ${product.title}`, run: () => run.product(product) });
    }
  }
  for (const customer of DEMO_CUSTOMERS) {
    steps.push({ label: `customer ${customer.handle}`, run: () => run.customer(customer) });
  }
  if (catalog && run.serves('orders', ORDER_ROUTES)) {
    for (const customer of DEMO_CUSTOMERS) {
      steps.push({
        label: `order (${customer.orderState})`,
        run: async () => {
          const shopper = run.shopperFor(customer);
          if (shopper !== undefined) await run.order(shopper);
        },
      });
    }
  }
  if (run.serves('support ticket', SUPPORT_ROUTES)) {
    steps.push({ label: 'support ticket', run: () => run.ticket() });
  }
  return steps;
}

/**
 * Loads the demo shop through the real services and API, so every privacy control
 * applies to it as to real data: staff through createStaff, everything else through
 * `inject` on the app's own routes (vault, consents, access engine and audit included).
 * Parts of the shop the app does not serve are left out and named in `missing`.
 */
export async function loadDemo(
  target: DemoTarget,
  options: { url: string; progress?: DemoProgress },
): Promise<DemoReport> {
  const run = new DemoRun(target.http, target.staff);
  const steps = plan(run);
  options.progress?.start(steps.length);
  try {
    for (const step of steps) {
      await step.run();
      options.progress?.step(step.label);
    }
  } finally {
    options.progress?.stop();
  }
  const [first, ...others] = run.shoppers;
  return {
    url: options.url,
    staff: run.staff,
    customer: { email: first?.email ?? '', password: run.customerPassword },
    otherCustomers: others.map((shopper) => shopper.email),
    products: steps.filter((step) => step.label.startsWith('product ')).length,
    orders: run.orders.map((order) => ({ number: order.number, status: order.status })),
    tickets: run.tickets,
    missing: run.missing,
  };
}
