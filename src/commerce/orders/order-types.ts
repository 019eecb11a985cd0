import type { Transaction } from 'kysely';
import type { Actor, FieldInput } from '../../privacy/access/index.js';
import type { PersonalFieldName } from '../../privacy/inventory/index.js';
import type { FieldWriter } from '../../privacy/vault/index.js';
import type { OrderStatus } from './order-status.js';

/** A postal address; stored only as vault ciphertext of its JSON. */
export interface Address {
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly postalCode: string;
  readonly region?: string;
  /** ISO 3166-1 alpha-2, upper case. */
  readonly country: string;
}

/** One line of an order, priced when it was placed: later catalog changes do not touch it. */
export interface OrderLine {
  readonly variantId: string;
  readonly productTitle: string;
  readonly variantTitle: string;
  readonly sku: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly lineTotalMinor: number;
}

/** The non-personal facts of an order: what survives erasure (C4.4, Principle 5). */
export interface OrderRecord {
  readonly id: string;
  readonly number: string;
  readonly subjectId: string;
  readonly customerId: string | null;
  readonly status: OrderStatus;
  readonly currency: string;
  readonly subtotalMinor: number;
  readonly taxMinor: number;
  readonly totalMinor: number;
  readonly refundedMinor: number;
  readonly shippingCountry: string;
  readonly lines: OrderLine[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The personal fields an order holds, each sealed under the order's subject. */
export const ORDER_PERSONAL_FIELDS = [
  'orders.contact_email',
  'orders.contact_name',
  'orders.contact_phone',
  'orders.shipping_address',
  'orders.billing_address',
] as const satisfies readonly PersonalFieldName[];

/** One of the order's personal fields. */
export type OrderPersonalField = (typeof ORDER_PERSONAL_FIELDS)[number];

/** What `create` stores: ids, the contact, the addresses, the priced lines and totals. */
export interface NewOrder {
  readonly orderId: string;
  readonly subjectId: string;
  readonly customerId: string | null;
  readonly contact: { readonly email: string; readonly name: string; readonly phone?: string };
  readonly shippingAddress: Address;
  readonly billingAddress?: Address;
  readonly lines: readonly OrderLine[];
  readonly totals: {
    readonly currency: string;
    readonly subtotalMinor: number;
    readonly taxMinor: number;
    readonly totalMinor: number;
  };
  readonly actor: Actor;
  readonly requestId: string | null;
}

/** Who moves an order, for which request, and a reason code (never free text). */
export interface TransitionFacts {
  readonly actor: Actor;
  readonly requestId: string | null;
  readonly reason?: string;
}

/** An order by id and creation time: a position in a list walked oldest first. */
export interface OrderRef {
  readonly id: string;
  readonly createdAt: Date;
}

/** The orders module's service, as the shared contract names it. */
export interface OrdersService {
  /** Inserts order, lines and the first status-history entry in the caller's transaction; seals contact and addresses with the writer; audit 'order.create'. */
  create<DB>(
    trx: Transaction<DB>,
    writer: FieldWriter,
    input: NewOrder,
  ): Promise<{ number: string }>;
  /** Moves the status machine (history row + audit 'order.status'); ORDER_STATUS_CONFLICT on a move it does not allow. Without trx it opens its own. */
  transition<DB>(
    orderId: string,
    to: OrderStatus,
    facts: TransitionFacts,
    trx?: Transaction<DB>,
  ): Promise<void>;
  /** Adds to refundedMinor (refunds); never beyond the total. */
  addRefunded<DB>(trx: Transaction<DB>, orderId: string, amountMinor: number): Promise<void>;
  /**
   * Orders still `placed` that were created before `before`, oldest first, at most
   * `limit`, after `after` when given (keyset: pass the last one of the previous page).
   * Ids and times only: what a recovery sweep walks.
   */
  placedBefore(before: Date, limit: number, after?: OrderRef): Promise<OrderRef[]>;
  /** The order with its lines, or undefined. */
  get(orderId: string): Promise<OrderRecord | undefined>;
  /** The order's personal fields as FieldInputs for PersonalDataAccess.read; addresses are JSON of Address. */
  personalFields(orderId: string, which?: readonly PersonalFieldName[]): Promise<FieldInput[]>;
  /** `get` and `personalFields` together, from one read of the order; undefined when there is none. */
  getWithFields(
    orderId: string,
    which: readonly PersonalFieldName[],
  ): Promise<{ order: OrderRecord; fields: FieldInput[] } | undefined>;
}
