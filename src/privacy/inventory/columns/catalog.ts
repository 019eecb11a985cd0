/** Non-personal columns of the catalog tables, with the reason each holds no personal data. */
export const CATALOG_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  products: {
    id: 'random product id',
    title: "the shop's product name, written by staff",
    description: "the shop's product description, written by staff",
    status: 'active or archived',
    created_at: 'creation time',
    updated_at: 'last change time',
  },
  variants: {
    id: 'random variant id',
    product_id: 'product id',
    position: 'display order within the product',
    title: "the shop's variant name, written by staff",
    sku: "the shop's stock-keeping unit code",
    price_minor: 'price in minor units of the currency',
    currency: 'ISO 4217 currency code',
    stock: 'units on hand',
    archived: 'whether the variant is no longer sold',
    created_at: 'creation time',
    updated_at: 'last change time',
  },
};
