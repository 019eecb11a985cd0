/** One product of the demo catalog; prices in minor units of the shop's currency. */
export interface DemoProduct {
  readonly title: string;
  readonly description: string;
  readonly variants: readonly {
    readonly title: string;
    readonly sku: string;
    readonly priceMinor: number;
    readonly stock: number;
  }[];
}

/** Where a demo customer's order ends up. */
export type DemoOrderState = 'paid' | 'shipped' | 'delivered' | 'refunded';

/** A synthetic customer: a made-up name on a reserved domain, and what they do in the shop. */
export interface DemoCustomer {
  readonly name: string;
  /** The local part of the address; a run tag and `@example.test` are added. */
  readonly handle: string;
  readonly phone: string;
  readonly address: {
    readonly line1: string;
    readonly city: string;
    readonly postalCode: string;
    readonly country: string;
  };
  /** SKUs and quantities of the one order they place. */
  readonly basket: readonly { readonly sku: string; readonly quantity: number }[];
  readonly orderState: DemoOrderState;
  /** Opens a support ticket about the order. */
  readonly ticket?: { readonly subject: string; readonly body: string; readonly reply: string };
  readonly marketing: boolean;
}

/** The default staff roles; the demo creates one account of each. */
export const DEMO_ROLES = [
  'support_agent',
  'fulfilment',
  'finance',
  'privacy_officer',
  'security_officer',
  'admin',
] as const;

/** A small shop: enough to browse, buy and look at orders in every state. */
export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  {
    title: 'Linen Tote Bag',
    description: 'A sturdy everyday bag of washed linen with an inner pocket.',
    variants: [
      { title: 'Natural', sku: 'TOTE-NAT', priceMinor: 2400, stock: 40 },
      { title: 'Indigo', sku: 'TOTE-IND', priceMinor: 2400, stock: 25 },
    ],
  },
  {
    title: 'Enamel Camp Mug',
    description: 'Holds 350 ml; goes on a camp stove and into the dishwasher.',
    variants: [
      { title: 'White', sku: 'MUG-WHT', priceMinor: 1600, stock: 60 },
      { title: 'Black', sku: 'MUG-BLK', priceMinor: 1600, stock: 60 },
    ],
  },
  {
    title: 'Merino Beanie',
    description: 'Fine merino rib knit, one size.',
    variants: [
      { title: 'Heather grey', sku: 'BEANIE-GRY', priceMinor: 3200, stock: 30 },
      { title: 'Ochre', sku: 'BEANIE-OCH', priceMinor: 3200, stock: 12 },
    ],
  },
  {
    title: 'Field Notebook',
    description: 'A5, 96 pages of 100 g paper, lay-flat binding.',
    variants: [
      { title: 'Dotted', sku: 'NOTE-DOT', priceMinor: 900, stock: 120 },
      { title: 'Lined', sku: 'NOTE-LIN', priceMinor: 900, stock: 80 },
      { title: 'Blank', sku: 'NOTE-BLK', priceMinor: 900, stock: 3 },
    ],
  },
  {
    title: 'Cold Brew Bottle',
    description: 'One litre of borosilicate glass with a stainless steel filter.',
    variants: [{ title: '1 l', sku: 'BOTTLE-1L', priceMinor: 2900, stock: 18 }],
  },
];

/** Four customers whose orders end in different states; one of them asks for help. */
export const DEMO_CUSTOMERS: readonly DemoCustomer[] = [
  {
    name: 'Ada Quillfeather',
    handle: 'ada.quillfeather',
    phone: '+49 30 5550 1234',
    address: { line1: 'Musterweg 12', city: 'Berlin', postalCode: '10115', country: 'DE' },
    basket: [
      { sku: 'TOTE-IND', quantity: 1 },
      { sku: 'NOTE-DOT', quantity: 2 },
    ],
    orderState: 'paid',
    ticket: {
      subject: 'Can I still change the colour of my tote?',
      body: 'Hello, I ordered the indigo tote this morning. Could you send the natural one instead?',
      reply: 'Hello, yes: we have not packed it yet. We will send the natural tote instead.',
    },
    marketing: true,
  },
  {
    name: 'Bruno Tammaro',
    handle: 'bruno.tammaro',
    phone: '+351 21 555 0177',
    address: { line1: 'Rua Exemplo 7', city: 'Lisboa', postalCode: '1100-001', country: 'PT' },
    basket: [{ sku: 'MUG-BLK', quantity: 2 }],
    orderState: 'shipped',
    marketing: false,
  },
  {
    name: 'Chiara Vossberg',
    handle: 'chiara.vossberg',
    phone: '+33 4 55 50 12 34',
    address: { line1: '3 rue de l’Exemple', city: 'Lyon', postalCode: '69001', country: 'FR' },
    basket: [
      { sku: 'BEANIE-OCH', quantity: 1 },
      { sku: 'BOTTLE-1L', quantity: 1 },
    ],
    orderState: 'delivered',
    marketing: false,
  },
  {
    name: 'Dmitri Lundqvist',
    handle: 'dmitri.lundqvist',
    phone: '+31 30 555 0199',
    address: { line1: 'Voorbeeldstraat 21', city: 'Utrecht', postalCode: '3511 AB', country: 'NL' },
    basket: [{ sku: 'TOTE-NAT', quantity: 1 }],
    orderState: 'refunded',
    marketing: true,
  },
];

/** The test card every demo order is paid with (the test provider's "succeeds" Visa). */
export const DEMO_CARD = { number: '4242424242424242', cvc: '123', expMonth: 12 } as const;
