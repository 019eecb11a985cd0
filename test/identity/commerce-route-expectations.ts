// The authorisation matrix for the shop's routes (C2.3), by hand from the intent of the
// roles (DESIGN.md: Access): shoppers buy, customers see their own orders and tickets,
// admin runs the catalog, fulfilment ships, finance refunds, support answers tickets.
import { randomBytes } from 'node:crypto';
import { CARDS, checkoutForm } from '../helpers/shop.js';
import type {
  MatrixActor,
  MatrixCell,
  RouteExpectation,
  SampleRequest,
} from './route-expectations.js';
import type { Owner } from './matrix-shop.js';

const EVERYONE: readonly MatrixActor[] = [
  'anonymous',
  'customer',
  'customer_other',
  'support_agent',
  'fulfilment',
  'finance',
  'privacy_officer',
  'security_officer',
  'admin',
];
// A guest or a logged-in customer on their own cart; staff do not shop with work accounts.
const SHOPPERS: readonly MatrixActor[] = ['anonymous', 'customer'];
const CUSTOMER: readonly MatrixActor[] = ['customer'];
// Only admin configures the shop, the catalog included.
const CATALOG_MANAGERS: readonly MatrixActor[] = ['admin'];
// Orders are read by those who work on them: support answers questions about them,
// fulfilment ships them, finance takes and refunds payments.
const ORDER_READERS: readonly MatrixActor[] = ['support_agent', 'fulfilment', 'finance'];
const SHIPPERS: readonly MatrixActor[] = ['fulfilment'];
const REFUNDERS: readonly MatrixActor[] = ['finance'];
const SUPPORT: readonly MatrixActor[] = ['support_agent'];

const notFound = (code: string) => ({ status: 404, code });

/** Expectations for every shop route, keyed `METHOD url`. */
export const COMMERCE_ROUTE_EXPECTATIONS: Readonly<Record<string, RouteExpectation>> = {
  'GET /store/products': { allow: EVERYONE, ok: 200 },
  'GET /store/products/:id': { allow: EVERYONE, ok: 200 },
  'POST /admin/products': { allow: CATALOG_MANAGERS, ok: 201 },
  'GET /admin/products': { allow: CATALOG_MANAGERS, ok: 200 },
  'GET /admin/products/:id': { allow: CATALOG_MANAGERS, ok: 200 },
  'PATCH /admin/products/:id': { allow: CATALOG_MANAGERS, ok: 200 },
  'POST /admin/products/:id/archive': { allow: CATALOG_MANAGERS, ok: 200 },
  'POST /admin/products/:id/restore': { allow: CATALOG_MANAGERS, ok: 200 },
  'POST /admin/products/:id/variants': { allow: CATALOG_MANAGERS, ok: 201 },
  'PATCH /admin/products/:productId/variants/:variantId': { allow: CATALOG_MANAGERS, ok: 200 },
  'POST /store/carts': { allow: SHOPPERS, ok: 201 },
  'GET /store/carts/:id': { allow: SHOPPERS, ok: 200, other: notFound('CART_NOT_FOUND') },
  'PATCH /store/carts/:id': { allow: SHOPPERS, ok: 200, other: notFound('CART_NOT_FOUND') },
  'POST /store/carts/:id/lines': { allow: SHOPPERS, ok: 200, other: notFound('CART_NOT_FOUND') },
  'PATCH /store/carts/:id/lines/:lineId': {
    allow: SHOPPERS,
    ok: 200,
    other: notFound('CART_NOT_FOUND'),
  },
  'DELETE /store/carts/:id/lines/:lineId': {
    allow: SHOPPERS,
    ok: 200,
    other: notFound('CART_NOT_FOUND'),
  },
  'POST /store/carts/:id/checkout': {
    allow: SHOPPERS,
    ok: 201,
    other: notFound('CART_NOT_FOUND'),
  },
  'GET /store/orders': { allow: CUSTOMER, ok: 200 },
  'GET /store/orders/:id': { allow: CUSTOMER, ok: 200, other: notFound('ORDER_NOT_FOUND') },
  'GET /admin/orders': { allow: ORDER_READERS, ok: 200 },
  'GET /admin/orders/:id': { allow: ORDER_READERS, ok: 200 },
  'POST /admin/orders/:id/shipments': { allow: SHIPPERS, ok: 201 },
  'GET /admin/orders/:id/shipments': { allow: ORDER_READERS, ok: 200 },
  'PATCH /admin/shipments/:id': { allow: SHIPPERS, ok: 200 },
  'POST /admin/orders/:id/refunds': { allow: REFUNDERS, ok: 201 },
  'GET /admin/orders/:id/refunds': { allow: ORDER_READERS, ok: 200 },
  'POST /store/tickets': { allow: CUSTOMER, ok: 201 },
  'GET /store/tickets': { allow: CUSTOMER, ok: 200 },
  'GET /store/tickets/:id': { allow: CUSTOMER, ok: 200, other: notFound('TICKET_NOT_FOUND') },
  'POST /store/tickets/:id/messages': {
    allow: CUSTOMER,
    ok: 201,
    other: notFound('TICKET_NOT_FOUND'),
  },
  'POST /store/tickets/:id/close': {
    allow: CUSTOMER,
    ok: 200,
    other: notFound('TICKET_NOT_FOUND'),
  },
  'GET /admin/tickets': { allow: SUPPORT, ok: 200 },
  'GET /admin/tickets/:id': { allow: SUPPORT, ok: 200 },
  'POST /admin/tickets/:id/assign': { allow: SUPPORT, ok: 200 },
  'POST /admin/tickets/:id/messages': { allow: SUPPORT, ok: 201 },
  'GET /store/me/sign-ins': { allow: CUSTOMER, ok: 200 },
  // The test provider's card form stands in for a processor's own page: open to anyone.
  'POST /test-payments/tokens': { allow: EVERYONE, ok: 201 },
};

type Sample = (cell: MatrixCell) => SampleRequest | Promise<SampleRequest>;

/** The customer's own records for the customer; the target's for everyone else. */
const ownerOf = (cell: MatrixCell): Owner => (cell.actor === 'customer' ? 'self' : 'target');
/** A guest's cart for nobody logged in; otherwise as ownerOf. */
const cartOwnerOf = (cell: MatrixCell): Owner | 'guest' =>
  cell.actor === 'anonymous' ? 'guest' : ownerOf(cell);
const sku = () => `MX-${randomBytes(4).toString('hex')}`;

const NONE: Sample = () => ({});
const productParams = ({ fixture }: MatrixCell) => ({ id: fixture.shop.productId });
const product: Sample = (cell) => ({ params: productParams(cell) });
/** A cart of its own for every call: lines change, carts get checked out. */
const cartSample =
  (body?: (cell: MatrixCell) => Record<string, unknown> | Promise<Record<string, unknown>>) =>
  async (cell: MatrixCell): Promise<SampleRequest> => {
    // Staff are refused before any handler runs: a cart of the right shape is enough.
    if (!cell.allowed && cell.actor !== 'customer_other') {
      return { params: { id: `crt_${'0'.repeat(26)}`, lineId: `lin_${'0'.repeat(26)}` } };
    }
    const { cartId, lineId } = await cell.fixture.shop.cart(cartOwnerOf(cell));
    return {
      params: { id: cartId, lineId },
      ...(body === undefined ? {} : { body: await body(cell) }),
    };
  };
const order: Sample = async (cell) => ({
  params: { id: await cell.fixture.shop.paidOrder(ownerOf(cell)) },
});
const ticket =
  (fresh: boolean, body?: Record<string, unknown>): Sample =>
  async (cell) => ({
    params: { id: await cell.fixture.shop.ticket(ownerOf(cell), fresh && cell.allowed) },
    ...(body === undefined ? {} : { body }),
  });

/** A valid sample request for every shop route, keyed like the expectations. */
export const COMMERCE_SAMPLE_REQUESTS: Readonly<Record<string, Sample>> = {
  'GET /store/products': NONE,
  'GET /store/products/:id': product,
  'POST /admin/products': () => ({
    body: {
      title: 'Matrix sample',
      variants: [{ title: 'One', sku: sku(), priceMinor: 1500, stock: 3 }],
    },
  }),
  'GET /admin/products': NONE,
  'GET /admin/products/:id': product,
  'PATCH /admin/products/:id': (cell) => ({
    params: productParams(cell),
    body: { title: 'Renamed' },
  }),
  'POST /admin/products/:id/archive': async ({ fixture, allowed }) => ({
    // Archiving the shared product would empty every cart sample after it.
    params: {
      id: allowed ? (await fixture.shop.freshProduct()).productId : fixture.shop.productId,
    },
  }),
  'POST /admin/products/:id/restore': async ({ fixture, allowed }) => ({
    // Refused callers never reach the handler; the shared product is active in any case.
    params: {
      id: allowed
        ? await fixture.shop.archivedProduct(fixture.staff.admin.id)
        : fixture.shop.productId,
    },
  }),
  'POST /admin/products/:id/variants': (cell) => ({
    params: productParams(cell),
    body: { title: 'Two', sku: sku(), priceMinor: 1700, stock: 2 },
  }),
  'PATCH /admin/products/:productId/variants/:variantId': ({ fixture }) => ({
    params: { productId: fixture.shop.productId, variantId: fixture.shop.variantId },
    body: { stockAdjustment: 1 },
  }),
  'POST /store/carts': () => ({ body: {} }),
  'GET /store/carts/:id': cartSample(),
  'PATCH /store/carts/:id': cartSample(() => ({ country: 'NL' })),
  'POST /store/carts/:id/lines': cartSample(({ fixture }) => ({
    variantId: fixture.shop.variantId,
    quantity: 1,
  })),
  'PATCH /store/carts/:id/lines/:lineId': cartSample(() => ({ quantity: 2 })),
  'DELETE /store/carts/:id/lines/:lineId': cartSample(),
  'POST /store/carts/:id/checkout': cartSample(async ({ fixture }) =>
    checkoutForm(await fixture.shop.token()),
  ),
  'GET /store/orders': NONE,
  'GET /store/orders/:id': order,
  'GET /admin/orders': NONE,
  'GET /admin/orders/:id': order,
  'POST /admin/orders/:id/shipments': async ({ fixture, allowed }) => ({
    params: { id: await fixture.shop.paidOrder('target', allowed) },
    body: {},
  }),
  'GET /admin/orders/:id/shipments': order,
  'PATCH /admin/shipments/:id': async ({ fixture, allowed }) => ({
    // Refused callers never reach the handler: an id of the right shape is enough.
    params: { id: allowed ? await fixture.shop.shipment() : `shp_${'0'.repeat(26)}` },
    body: { status: 'in_transit' },
  }),
  'POST /admin/orders/:id/refunds': async (cell) => ({
    ...(await order(cell)),
    body: { amountMinor: 1, reason: 'goodwill' },
  }),
  'GET /admin/orders/:id/refunds': order,
  'POST /store/tickets': () => ({ body: { subject: 'Matrix sample', body: 'A question' } }),
  'GET /store/tickets': NONE,
  'GET /store/tickets/:id': ticket(false),
  'POST /store/tickets/:id/messages': ticket(false, { body: 'Any news?' }),
  'POST /store/tickets/:id/close': ticket(true, {}),
  'GET /admin/tickets': NONE,
  'GET /admin/tickets/:id': ticket(false),
  'POST /admin/tickets/:id/assign': ticket(false, {}),
  'POST /admin/tickets/:id/messages': ticket(false, { body: 'We are on it.' }),
  'GET /store/me/sign-ins': NONE,
  'POST /test-payments/tokens': () => ({
    body: {
      number: CARDS.visa,
      expMonth: 12,
      expYear: new Date().getUTCFullYear() + 2,
      cvc: '123',
    },
  }),
};
