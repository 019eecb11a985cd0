import { AppError } from '../../platform/errors/index.js';
import { isId } from '../../platform/ids.js';
import type { FieldView, ReadContext } from '../../privacy/access/index.js';
import type { CustomerDeps } from './customer-deps.js';
import { customersErrors } from './customers-errors.js';

/** The personal fields of a customer record, as their reader may see them. */
export const PROFILE_FIELDS = ['customers.email', 'customers.name', 'customers.phone'] as const;

/** A field as an API shows it: the value (clear or masked), or why there is none. */
export type ShownField =
  | { readonly view: 'clear' | 'masked'; readonly value: string }
  | { readonly view: 'erased' | 'absent' };

/** A customer record for one reader: denied fields are left out. */
export interface CustomerView {
  readonly id: string;
  readonly emailVerified: boolean;
  readonly createdAt: string;
  readonly fields: Partial<Record<(typeof PROFILE_FIELDS)[number], ShownField>>;
}

function shown(view: FieldView): ShownField {
  return view.view === 'clear' || view.view === 'masked'
    ? { view: view.view, value: view.value }
    : { view: view.view };
}

/**
 * Reads a customer through the access engine: each field clear, masked or left out as the
 * reader's role and purpose allow, with the read audited before anything is returned.
 */
export async function readCustomer(
  deps: CustomerDeps,
  context: ReadContext,
  customerId: string,
): Promise<CustomerView> {
  // Not even shaped like a customer id: no such customer, and nothing to send to the
  // database (PostgreSQL refuses text with a NUL byte, which would surface as a 500).
  if (!isId(customerId, 'cus')) throw new AppError(customersErrors.CUSTOMER_NOT_FOUND);
  const row = await deps.db
    .selectFrom('customers')
    .select(['id', 'email', 'name', 'phone', 'email_verified_at', 'created_at'])
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (row === undefined) throw new AppError(customersErrors.CUSTOMER_NOT_FOUND);
  const sealed: Record<(typeof PROFILE_FIELDS)[number], Buffer | null> = {
    'customers.email': row.email,
    'customers.name': row.name,
    'customers.phone': row.phone,
  };
  const views = await deps.access.read(
    context,
    customerId,
    PROFILE_FIELDS.map((field) => ({ field, rowId: customerId, sealed: sealed[field] })),
  );
  const fields: CustomerView['fields'] = {};
  for (const field of PROFILE_FIELDS) {
    const view = views.find((candidate) => candidate.field === field);
    if (view !== undefined) fields[field] = shown(view);
  }
  return {
    id: row.id,
    emailVerified: row.email_verified_at !== null,
    createdAt: new Date(row.created_at).toISOString(),
    fields,
  };
}

/** A position in the customer list: the last row of the previous page. */
export interface ListCursor {
  readonly createdAt: number;
  readonly id: string;
}

/** One page of customer ids, newest first, for staff lists: no personal data in bulk (C1.5). */
export async function listCustomerIds(
  deps: CustomerDeps,
  page: { limit: number; after?: ListCursor | undefined },
): Promise<{ id: string; createdAt: number }[]> {
  let query = deps.db
    .selectFrom('customers')
    .select(['id', 'created_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit);
  const after = page.after;
  if (after !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
      ]),
    );
  }
  const rows = await query.execute();
  return rows.map((row) => ({ id: row.id, createdAt: row.created_at }));
}
