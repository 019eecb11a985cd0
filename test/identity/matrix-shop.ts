// The shop the authorisation matrix acts on: one product, and carts, paid orders,
// shipments and tickets made on demand through the public API, for the customer acting on
// their own records ('self'), the customer whose records everyone else names ('target'),
// or a guest.
import { randomBytes } from 'node:crypto';
import { bearer } from '../helpers/identity.js';
import type { TestApp } from '../helpers/test-app.js';
import {
  CARDS,
  checkoutForm,
  createProduct,
  newCart,
  postCheckout,
  tokenFor,
} from '../helpers/shop.js';

/** Whose record a sample names. */
export type Owner = 'self' | 'target';

/** Records the matrix's sample requests name; shared ones are made once, fresh ones per call. */
export interface MatrixShop {
  readonly productId: string;
  readonly variantId: string;
  /** A cart with one line: a guest's, or a customer's own. */
  cart(owner: Owner | 'guest'): Promise<{ cartId: string; lineId: string }>;
  /** A token for the test provider's always-approved card. */
  token(): Promise<string>;
  /** An order that is paid and not yet shipped; `fresh` places a new one. */
  paidOrder(owner: Owner, fresh?: boolean): Promise<string>;
  /** A shipment of a new order of the target. */
  shipment(): Promise<string>;
  /** An open ticket; `fresh` opens a new one. */
  ticket(owner: Owner, fresh?: boolean): Promise<string>;
  /** A new product id (for changes that must not disturb the shared one). */
  freshProduct(): Promise<{ productId: string; variantId: string }>;
  /** A new product archived by the given admin, for the restore route to bring back. */
  archivedProduct(adminId: string): Promise<string>;
}

interface Accounts {
  readonly self: { readonly id: string };
  readonly target: { readonly id: string };
  /** A fulfilment staff member, who ships the orders behind shipments. */
  readonly fulfilment: { readonly id: string };
}

/** Builds the matrix's shop on an app whose accounts already exist. */
export async function createMatrixShop(t: TestApp, customers: Accounts): Promise<MatrixShop> {
  const sessions = t.app.identity.customers.sessions;
  const shopper = async (owner: Owner) =>
    sessions.create('customer', customers[owner].id).then((issued) => ({ token: issued.token }));
  const freshProduct = async () => {
    const [variantId = ''] = await createProduct(
      t,
      [{ title: 'Standard', priceMinor: 1_000_000, stock: 10_000 }],
      `Matrix product ${randomBytes(3).toString('hex')}`,
    );
    const found = await t.app.inject({ url: `/store/products?limit=100` });
    const product = found
      .json<{ products: { id: string; variants: { id: string }[] }[] }>()
      .products.find((candidate) => candidate.variants.some((v) => v.id === variantId));
    if (product === undefined) throw new Error('matrix product not listed');
    return { productId: product.id, variantId };
  };
  const shared = await freshProduct();

  const cart = async (owner: Owner | 'guest') => {
    const who = owner === 'guest' ? undefined : await shopper(owner);
    const cartId = await newCart(t, [{ variantId: shared.variantId, quantity: 1 }], who);
    const read = await t.app.inject({
      url: `/store/carts/${cartId}`,
      headers: who === undefined ? {} : bearer(who),
    });
    const lineId = read.json<{ lines: { lineId: string }[] }>().lines[0]?.lineId;
    if (lineId === undefined) throw new Error('matrix cart has no line');
    return { cartId, lineId };
  };
  const token = () => tokenFor(t, CARDS.visa);
  const placeOrder = async (owner: Owner) => {
    const { cartId } = await cart(owner);
    const placed = await postCheckout(t, cartId, checkoutForm(await token()), await shopper(owner));
    if (placed.statusCode !== 201) throw new Error(`matrix checkout: ${placed.body}`);
    return placed.json<{ orderId: string }>().orderId;
  };
  const orders = new Map<Owner, string>();
  const paidOrder = async (owner: Owner, fresh = false) => {
    const known = orders.get(owner);
    if (known !== undefined && !fresh) return known;
    const orderId = await placeOrder(owner);
    if (!fresh) orders.set(owner, orderId);
    return orderId;
  };
  const shipment = async () => {
    const orderId = await placeOrder('target');
    const staff = await sessions.create('staff', customers.fulfilment.id);
    const shipped = await t.app.inject({
      method: 'POST',
      url: `/admin/orders/${orderId}/shipments`,
      headers: { ...bearer(staff), 'x-custodia-purpose': 'shipping' },
      payload: {},
    });
    if (shipped.statusCode !== 201) throw new Error(`matrix shipment: ${shipped.body}`);
    return shipped.json<{ shipmentId: string }>().shipmentId;
  };
  const tickets = new Map<Owner, string>();
  const ticket = async (owner: Owner, fresh = false) => {
    const known = tickets.get(owner);
    if (known !== undefined && !fresh) return known;
    const opened = await t.app.inject({
      method: 'POST',
      url: '/store/tickets',
      headers: bearer(await shopper(owner)),
      payload: { subject: 'Matrix question', body: 'Where is my parcel?' },
    });
    if (opened.statusCode !== 201) throw new Error(`matrix ticket: ${opened.body}`);
    const ticketId = opened.json<{ id: string }>().id;
    if (!fresh) tickets.set(owner, ticketId);
    return ticketId;
  };
  const archivedProduct = async (adminId: string) => {
    const { productId } = await freshProduct();
    const archived = await t.app.inject({
      method: 'POST',
      url: `/admin/products/${productId}/archive`,
      headers: bearer(await sessions.create('staff', adminId)),
    });
    if (archived.statusCode !== 200) throw new Error(`matrix archive: ${archived.body}`);
    return productId;
  };
  return { ...shared, cart, token, paidOrder, shipment, ticket, freshProduct, archivedProduct };
}
