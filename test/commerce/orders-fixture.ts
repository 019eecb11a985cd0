// Orders placed directly through the orders service, as checkout does, for tests that need
// orders before (or without) a cart and a payment.
import type { Address, OrderLine, OrderStatus } from '../../src/commerce/orders/index.js';
import { newId } from '../../src/platform/ids.js';
import type { TestApp } from '../helpers/test-app.js';

/** An order placed for a test, with the clear values it was given. */
export interface PlacedOrder {
  readonly orderId: string;
  readonly number: string;
  readonly subjectId: string;
  readonly contact: { email: string; name: string; phone?: string };
  readonly shippingAddress: Address;
  readonly billingAddress?: Address;
}

/** What a test may choose about an order; everything else is synthetic. */
export interface OrderOptions {
  readonly customerId?: string | null;
  readonly subjectId?: string;
  readonly contact?: { email: string; name: string; phone?: string };
  readonly shippingAddress?: Address;
  readonly billingAddress?: Address;
  readonly lines?: readonly OrderLine[];
  /** Statuses to move through after `placed`, in order. */
  readonly path?: readonly OrderStatus[];
}

/** Two lines of a synthetic catalog. */
export const SAMPLE_LINES: readonly OrderLine[] = [
  {
    variantId: 'var_sample0000000000000000000a',
    productTitle: 'Linen shirt',
    variantTitle: 'Blue / M',
    sku: 'LS-BLU-M',
    quantity: 2,
    unitPriceMinor: 4500,
    lineTotalMinor: 9000,
  },
  {
    variantId: 'var_sample0000000000000000000b',
    productTitle: 'Wool socks',
    variantTitle: 'Grey',
    sku: 'WS-GRY',
    quantity: 1,
    unitPriceMinor: 1200,
    lineTotalMinor: 1200,
  },
];

/** A synthetic delivery address. */
export function sampleAddress(label: string, city = 'Lyon', country = 'FR'): Address {
  return { line1: `12 ${label} Street`, city, postalCode: '69002', country };
}

/** Places an order through `services.orders.create` in its own transaction, then moves it along `path`. */
export async function placeOrder(t: TestApp, options: OrderOptions = {}): Promise<PlacedOrder> {
  const orders = t.app.commerce.services.orders;
  const orderId = newId('ord');
  const customerId = options.customerId ?? null;
  const subjectId = options.subjectId ?? customerId ?? newId('sub');
  const contact = options.contact ?? {
    email: `buyer-${orderId.slice(-6)}@example.test`,
    name: 'Sam Buyer',
  };
  const shippingAddress = options.shippingAddress ?? sampleAddress('Quay');
  const lines = options.lines ?? SAMPLE_LINES;
  const subtotalMinor = lines.reduce((sum, line) => sum + line.lineTotalMinor, 0);
  const taxMinor = Math.round(subtotalMinor * 0.2);
  const writer = await t.privacy.vault.writer(subjectId);
  const { number } = await t.database.db.transaction().execute((trx) =>
    orders.create(trx, writer, {
      orderId,
      subjectId,
      customerId,
      contact,
      shippingAddress,
      ...(options.billingAddress === undefined ? {} : { billingAddress: options.billingAddress }),
      lines: [...lines],
      totals: { currency: 'EUR', subtotalMinor, taxMinor, totalMinor: subtotalMinor + taxMinor },
      actor: customerId === null ? { kind: 'anonymous' } : { kind: 'customer', id: customerId },
      requestId: null,
    }),
  );
  for (const to of options.path ?? []) {
    await orders.transition(orderId, to, {
      actor: { kind: 'system', name: 'test' },
      requestId: null,
    });
  }
  return {
    orderId,
    number,
    subjectId,
    contact,
    shippingAddress,
    ...(options.billingAddress === undefined ? {} : { billingAddress: options.billingAddress }),
  };
}
