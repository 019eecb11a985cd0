import type { Caller, DemoClient } from './demo-client.js';
import { DEMO_CARD, type DemoOrderState } from './demo-data.js';
import type { DemoShopper, DemoVariant } from './demo-shop.js';

/** An order the demo placed, and where it ended up. */
export interface DemoOrder {
  readonly orderId: string;
  readonly number: string;
  readonly customerEmail: string;
  readonly wanted: DemoOrderState;
  /** The status the shop reports after the demo's last step. */
  status: string;
}

/** The staff sessions the order steps use, each acting in its own role. */
export interface DemoStaffSessions {
  readonly fulfilment: Caller;
  readonly finance: Caller;
}

/**
 * Buys as a customer does: a cart, its lines, a token from the test provider's own
 * tokenisation endpoint (the card never reaches the shop's handlers), then checkout with
 * the contact and delivery details, which the checkout seals in the vault.
 */
export async function placeDemoOrder(
  client: DemoClient,
  shopper: DemoShopper,
  variants: ReadonlyMap<string, DemoVariant>,
  expYear: number,
): Promise<DemoOrder> {
  const as = { token: shopper.token };
  const { customer } = shopper;
  const cart = await client.send<{ id: string }>('POST', '/store/carts', {
    as,
    body: { country: customer.address.country },
    step: 'create cart',
  });
  for (const line of customer.basket) {
    const variant = variants.get(line.sku);
    if (variant === undefined) throw new Error(`demo variant ${line.sku} was not created`);
    await client.send('POST', `/store/carts/${cart.id}/lines`, {
      as,
      body: { variantId: variant.variantId, quantity: line.quantity },
      step: 'add cart line',
    });
  }
  const card = await client.send<{ token: string }>('POST', '/test-payments/tokens', {
    body: { ...DEMO_CARD, expYear },
    step: 'tokenise test card',
  });
  const placed = await client.send<{ orderId: string; number: string }>(
    'POST',
    `/store/carts/${cart.id}/checkout`,
    {
      as,
      body: {
        email: shopper.email,
        name: customer.name,
        phone: customer.phone,
        shippingAddress: customer.address,
        paymentToken: card.token,
        consents: { marketing: customer.marketing },
      },
      step: 'checkout',
    },
  );
  return {
    orderId: placed.orderId,
    number: placed.number,
    customerEmail: shopper.email,
    wanted: customer.orderState,
    status: 'placed',
  };
}

/** The routes each later state needs, for the report of what could not be done. */
export const STATE_ROUTES: Readonly<
  Record<DemoOrderState, readonly (readonly [string, string])[]>
> = {
  paid: [],
  shipped: [['POST', '/admin/orders/:id/shipments']],
  delivered: [
    ['POST', '/admin/orders/:id/shipments'],
    ['PATCH', '/admin/shipments/:id'],
  ],
  refunded: [
    ['POST', '/admin/orders/:id/shipments'],
    ['PATCH', '/admin/shipments/:id'],
    ['POST', '/admin/orders/:id/refunds'],
  ],
};

/**
 * Moves an order on as staff do: fulfilment ships it and records the delivery; for the
 * refunded order the parcel arrived damaged and finance refunds it in full.
 */
export async function advanceDemoOrder(
  client: DemoClient,
  staff: DemoStaffSessions,
  order: DemoOrder,
  totalMinor: number,
): Promise<void> {
  if (order.wanted !== 'paid') {
    const shipment = await client.send<{ shipmentId: string; orderStatus: string }>(
      'POST',
      `/admin/orders/${order.orderId}/shipments`,
      { as: staff.fulfilment, body: {}, step: 'ship order' },
    );
    order.status = shipment.orderStatus;
    if (order.wanted !== 'shipped') {
      const delivered = await client.send<{ orderStatus: string }>(
        'PATCH',
        `/admin/shipments/${shipment.shipmentId}`,
        { as: staff.fulfilment, body: { status: 'delivered' }, step: 'record delivery' },
      );
      order.status = delivered.orderStatus;
    }
  }
  if (order.wanted === 'refunded') {
    await client.send('POST', `/admin/orders/${order.orderId}/refunds`, {
      as: staff.finance,
      body: { amountMinor: totalMinor, reason: 'damaged' },
      step: 'refund order',
    });
  }
}
