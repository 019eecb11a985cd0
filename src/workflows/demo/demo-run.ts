import { randomBytes } from 'node:crypto';
import type { StaffDeps } from '../../identity/staff/index.js';
import { DemoClient, type Caller, type DemoHttp } from './demo-client.js';
import type { DemoCustomer, DemoProduct } from './demo-data.js';
import { advanceDemoOrder, placeDemoOrder, STATE_ROUTES, type DemoOrder } from './demo-orders.js';
import {
  createDemoProduct,
  registerDemoCustomer,
  type DemoShopper,
  type DemoVariant,
} from './demo-shop.js';
import {
  createDemoStaffMember,
  demoPassword,
  staffSession,
  type DemoStaffLogin,
} from './demo-staff.js';
import { openDemoTicket } from './demo-support.js';

/** A route as `[method, url template]`. */
export type Route = readonly [string, string];

/**
 * One loading of the demo: what has been created so far, and one method per kind of
 * step. Staff sessions are opened once per role and reused, as a person would.
 */
export class DemoRun {
  readonly client: DemoClient;
  readonly #staffDeps: StaffDeps;
  /** A short random tag in every address, so a second demo in another shop never collides. */
  readonly tag = randomBytes(2).toString('hex');
  /** One password for every demo customer, printed once. */
  readonly customerPassword = demoPassword();
  readonly staff: DemoStaffLogin[] = [];
  readonly shoppers: DemoShopper[] = [];
  readonly orders: DemoOrder[] = [];
  readonly missing: string[] = [];
  tickets = 0;
  readonly #variants = new Map<string, DemoVariant>();
  readonly #sessions = new Map<string, string>();

  constructor(http: DemoHttp, staffDeps: StaffDeps) {
    this.client = new DemoClient(http);
    this.#staffDeps = staffDeps;
  }

  /** True when every route is served; otherwise notes what is missing for `what`. */
  serves(what: string, routes: readonly Route[]): boolean {
    const absent = routes
      .filter(([method, url]) => !this.client.serves(method as 'POST', url))
      .map((route) => route.join(' '));
    if (absent.length > 0) this.missing.push(`${what}: ${absent.join(', ')} not served`);
    return absent.length === 0;
  }

  /** Creates the demo account of one role. */
  async staffMember(role: DemoStaffLogin['role']): Promise<void> {
    this.staff.push(await createDemoStaffMember(this.#staffDeps, this.tag, role));
  }

  /** Creates one product as the demo admin. */
  async product(product: DemoProduct): Promise<void> {
    const admin = await this.#session('admin', 'order_fulfilment');
    await createDemoProduct(this.client, admin, product, this.#variants);
  }

  /** Registers one customer and logs them in. */
  async customer(customer: DemoCustomer): Promise<void> {
    const email = `${customer.handle}.${this.tag}@example.test`;
    this.shoppers.push(
      await registerDemoCustomer(this.client, customer, email, this.customerPassword),
    );
  }

  /** The customer buys their basket; staff then take the order to the state the demo wants. */
  async order(shopper: DemoShopper): Promise<void> {
    const expYear = this.#staffDeps.clock.now().getUTCFullYear() + 3;
    const order = await placeDemoOrder(this.client, shopper, this.#variants, expYear);
    this.orders.push(order);
    const read = () =>
      this.client.send<{ status: string; totalMinor: number }>(
        'GET',
        `/store/orders/${order.orderId}`,
        { as: { token: shopper.token }, step: 'read order' },
      );
    const placed = await read();
    order.status = placed.status;
    if (!this.serves(`order ${order.number} (${order.wanted})`, STATE_ROUTES[order.wanted])) {
      return;
    }
    const staff = {
      fulfilment: await this.#session('fulfilment', 'shipping'),
      finance: await this.#session('finance', 'refund'),
    };
    await advanceDemoOrder(this.client, staff, order, placed.totalMinor);
    order.status = (await read()).status;
  }

  /** The first customer with a ticket in the demo data asks support about their order. */
  async ticket(): Promise<void> {
    const shopper = this.shoppers.find((s) => s.customer.ticket !== undefined);
    if (shopper === undefined) return;
    const order = this.orders.find((o) => o.customerEmail === shopper.email);
    const agent = await this.#session('support_agent', 'customer_support');
    await openDemoTicket(this.client, shopper, agent, order?.orderId);
    this.tickets += 1;
  }

  /** The registered shopper of a demo customer. */
  shopperFor(customer: DemoCustomer): DemoShopper | undefined {
    return this.shoppers.find((shopper) => shopper.customer === customer);
  }

  async #session(role: DemoStaffLogin['role'], purpose: string): Promise<Caller> {
    const login = this.staff.find((s) => s.role === role);
    if (login === undefined) throw new Error(`the demo ${role} account was not created`);
    let token = this.#sessions.get(role);
    if (token === undefined) {
      token = await staffSession(this.#staffDeps, this.client, login);
      this.#sessions.set(role, token);
    }
    return { token, purpose };
  }
}
