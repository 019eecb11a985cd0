// C2.3: a ticket may name only one of its customer's own orders. With the orders module
// the order's owner is checked through its service; without one, only an id shaped like
// an order id is accepted. The support service runs on the real database and vault here;
// only the orders module's answer is supplied by the test.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  SupportService,
  type OrderLookup,
  type SupportTables,
} from '../../src/commerce/support/index.js';
import { isAppError } from '../../src/platform/errors/index.js';
import { newId } from '../../src/platform/ids.js';
import { tablesOf } from '../../src/platform/db/index.js';
import { registerCustomer, type LoggedIn } from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';

describeEachEngine('tickets about orders (C2.3)', (engine) => {
  let t: TestApp;
  let ada: LoggedIn;
  let ben: LoggedIn;
  const adasOrder = newId('ord');
  const bensOrder = newId('ord');
  const guestOrder = newId('ord');
  const owners = new Map<string, string | null>([
    [adasOrder, ''],
    [bensOrder, ''],
    [guestOrder, null],
  ]);
  const orders: OrderLookup = {
    get: (orderId) => {
      const customerId = owners.get(orderId);
      return Promise.resolve(customerId === undefined ? undefined : { customerId });
    },
  };

  const service = (lookup: OrderLookup | undefined) =>
    new SupportService({
      db: tablesOf<SupportTables>(t.database.db),
      vault: t.privacy.vault,
      access: t.app.identity.customers.access,
      audit: t.app.identity.audit,
      clock: { now: () => new Date() },
      mayAnswer: () => Promise.resolve(false),
      orders: () => lookup,
    });
  const open = async (support: SupportService, customer: LoggedIn, orderId: string) => {
    try {
      const ticket = await support.open(
        {
          actor: { kind: 'customer', id: customer.id },
          purpose: 'customer_support',
          requestId: null,
        },
        { customerId: customer.id, subject: 'About my order', body: 'Where is it?', orderId },
      );
      return ticket.orderId;
    } catch (error) {
      return isAppError(error) ? error.code : error;
    }
  };

  beforeAll(async () => {
    t = await createTestApp(engine);
    ada = await registerCustomer(t.app);
    ben = await registerCustomer(t.app);
    owners.set(adasOrder, ada.id);
    owners.set(bensOrder, ben.id);
  });
  afterAll(async () => t.close());

  it("accepts the customer's own order and refuses another's, a guest's or an unknown one", async () => {
    const support = service(orders);
    expect(await open(support, ada, adasOrder)).toBe(adasOrder);
    expect(await open(support, ada, bensOrder)).toBe('TICKET_ORDER_INVALID');
    expect(await open(support, ada, guestOrder)).toBe('TICKET_ORDER_INVALID');
    expect(await open(support, ada, newId('ord'))).toBe('TICKET_ORDER_INVALID');
    expect(await open(support, ada, 'ord_not-an-id')).toBe('TICKET_ORDER_INVALID');
    const stored = await tablesOf<SupportTables>(t.database.db)
      .selectFrom('tickets')
      .select('order_id')
      .where('customer_id', '=', ada.id)
      .execute();
    expect(stored.map((row) => row.order_id)).toEqual([adasOrder]);
  });

  it('without an orders module, accepts any id shaped like an order id and nothing else', async () => {
    const support = service(undefined);
    const unknown = newId('ord');
    expect(await open(support, ben, unknown)).toBe(unknown);
    for (const id of ['order-1', 'tkt_0000000000000000000000000a', `${unknown}x`]) {
      expect(await open(support, ben, id)).toBe('TICKET_ORDER_INVALID');
    }
  });
});
