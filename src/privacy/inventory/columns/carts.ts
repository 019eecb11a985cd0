/** Non-personal columns of the carts tables, with the reason each holds no personal data. */
export const CARTS_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  carts: {
    id: 'random cart id (130 bits); for a guest cart, the only key to it',
    customer_id: 'pseudonymous customer id, or none for a guest',
    country: 'destination country code for tax: a country, never an address',
    status: 'open or checked_out',
    order_id: 'id of the order a checkout made of it',
    currency: 'ISO 4217 currency code',
    expires_at: 'when the cart lapses without further changes',
    created_at: 'creation time',
    updated_at: 'last change time',
  },
  cart_lines: {
    id: 'random line id',
    cart_id: 'cart id',
    variant_id: 'catalog variant id',
    quantity: 'units',
    added_at: 'when the variant was first added',
  },
};
