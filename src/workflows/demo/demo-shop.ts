import type { Caller, DemoClient } from './demo-client.js';
import type { DemoCustomer, DemoProduct } from './demo-data.js';

/** A variant the demo created, by SKU. */
export interface DemoVariant {
  readonly productId: string;
  readonly variantId: string;
}

/** A registered and logged-in demo customer. */
export interface DemoShopper {
  readonly customer: DemoCustomer;
  readonly id: string;
  readonly email: string;
  readonly token: string;
}

/** Creates one product with its variants through the Admin API (permission catalog.manage). */
export async function createDemoProduct(
  client: DemoClient,
  admin: Caller,
  product: DemoProduct,
  variants: Map<string, DemoVariant>,
): Promise<void> {
  const created = await client.send<{ id: string; variants: { id: string; sku: string }[] }>(
    'POST',
    '/admin/products',
    { as: admin, body: product, step: 'create product' },
  );
  for (const variant of created.variants) {
    variants.set(variant.sku, { productId: created.id, variantId: variant.id });
  }
}

/**
 * Registers a customer through `POST /store/customers`, as the sign-up form does (the
 * vault seals the name, email and phone; the consent ledger records the choices), then
 * logs in through `POST /store/sessions`.
 */
export async function registerDemoCustomer(
  client: DemoClient,
  customer: DemoCustomer,
  email: string,
  password: string,
): Promise<DemoShopper> {
  await client.send('POST', '/store/customers', {
    body: {
      email,
      name: customer.name,
      password,
      phone: customer.phone,
      consents: { marketing: customer.marketing },
    },
    step: 'register customer',
  });
  const { token } = await client.send<{ token: string }>('POST', '/store/sessions', {
    body: { email, password },
    step: 'customer login',
  });
  const me = await client.send<{ customerId: string }>('GET', '/store/sessions/current', {
    as: { token },
    step: 'customer session',
  });
  return { customer, id: me.customerId, email, token };
}
