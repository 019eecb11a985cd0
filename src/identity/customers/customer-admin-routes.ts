import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { auditActorId } from '../../privacy/access/index.js';
import { z } from 'zod';
import { AppError } from '../../platform/errors/index.js';
import { isId } from '../../platform/ids.js';
import type { Purpose } from '../../privacy/inventory/index.js';
import { accessOf } from '../auth/request-access.js';
import type { CustomerDeps } from './customer-deps.js';
import { listCustomerIds, readCustomer, type CustomerView } from './customer-profile.js';
import { customersErrors } from './customers-errors.js';
import { emailSchema } from './customers-schemas.js';

const TAGS = ['admin: customers'];
/** The purposes staff may read customer records for; named in `x-custodia-purpose`. */
const STAFF_PURPOSES: readonly [Purpose, ...Purpose[]] = [
  'customer_support',
  'privacy_request',
  'identity_verification',
  'risk_mitigation',
  'order_fulfilment',
  'refund',
];
// Reveals are deliberate, one at a time: a burst of them is a warning sign (C2.4). Counted
// per staff member, after authentication, so colleagues behind one address do not share it.
const REVEAL_RATE_LIMIT = {
  max: 10,
  timeWindow: 60_000,
  hook: 'preHandler' as const,
  keyGenerator: (request: FastifyRequest) => `reveal:${auditActorId(request.auth.actor)}`,
};

const FIELD_NAMES = {
  email: 'customers.email',
  name: 'customers.name',
  phone: 'customers.phone',
} as const;
type ApiField = keyof typeof FIELD_NAMES;
const API_FIELDS = Object.keys(FIELD_NAMES) as [ApiField, ...ApiField[]];

const shownField = z.object({
  view: z.enum(['clear', 'masked', 'erased', 'absent']),
  value: z.string().optional(),
});
const customerReply = z.object({
  id: z.string(),
  emailVerified: z.boolean(),
  createdAt: z.string(),
  fields: z.partialRecord(z.enum(API_FIELDS), shownField),
});

function toReply(view: CustomerView) {
  const fields: Partial<Record<ApiField, z.infer<typeof shownField>>> = {};
  for (const field of API_FIELDS) {
    const shown = view.fields[FIELD_NAMES[field]];
    if (shown !== undefined) fields[field] = shown;
  }
  return { id: view.id, emailVerified: view.emailVerified, createdAt: view.createdAt, fields };
}

/** Customer records for staff under `/admin`: masked by role, clear only by reveal (C2.3, C2.5). */
export function customerAdminRoutes(deps: CustomerDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/admin/customers',
      {
        config: {
          access: { audience: 'staff', permission: 'customers.read', purposes: STAFF_PURPOSES },
        },
        schema: {
          tags: TAGS,
          summary: 'Customers, newest first, masked by role; find one by exact email',
          querystring: z.strictObject({
            email: emailSchema.optional(),
            limit: z.coerce.number().int().min(1).max(50).default(20),
            after: z
              .string()
              .regex(/^\d+\.cus_[0-9a-z]{26}$/)
              .optional(),
          }),
          response: {
            200: z.object({ customers: z.array(customerReply), next: z.string().nullable() }),
          },
        },
      },
      async (request) => {
        const access = accessOf(request);
        const { email, limit, after } = request.query;
        let ids: { id: string; createdAt: number }[];
        if (email !== undefined) {
          const refs = await deps.vault.lookup('customers.email', email);
          ids = refs.map((ref) => ({ id: ref.subjectId, createdAt: 0 })).slice(0, 1);
        } else {
          const [createdAt, id] = after?.split('.') ?? [];
          const cursor =
            createdAt !== undefined && id !== undefined
              ? { createdAt: Number(createdAt), id }
              : undefined;
          ids = await listCustomerIds(deps, { limit, after: cursor });
        }
        const customers = [];
        for (const { id } of ids) {
          customers.push(
            toReply(await readCustomer(deps, { ...access, action: 'customer.list' }, id)),
          );
        }
        const last = ids.at(-1);
        const next =
          email === undefined && ids.length === limit && last !== undefined
            ? `${last.createdAt}.${last.id}`
            : null;
        return { customers, next };
      },
    );

    app.get(
      '/admin/customers/:id',
      {
        config: {
          access: { audience: 'staff', permission: 'customers.read', purposes: STAFF_PURPOSES },
        },
        schema: {
          tags: TAGS,
          summary: 'One customer, each field clear, masked or left out as the role allows',
          params: z.strictObject({ id: z.string().min(1).max(64) }),
          response: { 200: customerReply },
        },
      },
      async (request) =>
        toReply(
          await readCustomer(
            deps,
            { ...accessOf(request), action: 'customer.read' },
            request.params.id,
          ),
        ),
    );

    app.post(
      '/admin/customers/:id/reveal',
      {
        config: {
          access: { audience: 'staff', permission: 'customers.reveal', purposes: STAFF_PURPOSES },
          rateLimit: REVEAL_RATE_LIMIT,
        },
        schema: {
          tags: TAGS,
          summary:
            'See masked fields in the clear, with a reason; logged and shown to the customer',
          params: z.strictObject({ id: z.string().min(1).max(64) }),
          body: z.strictObject({
            fields: z.array(z.enum(API_FIELDS)).min(1).max(API_FIELDS.length),
            reason: z.string().trim().min(10).max(500),
            ticketId: z.string().trim().min(1).max(64).optional(),
          }),
          response: {
            200: z.object({ fields: z.partialRecord(z.enum(API_FIELDS), z.string().nullable()) }),
          },
        },
      },
      async (request) => {
        const access = accessOf(request);
        const { id } = request.params;
        // As in readCustomer: an id of another shape names no customer.
        if (!isId(id, 'cus')) throw new AppError(customersErrors.CUSTOMER_NOT_FOUND);
        const row = await deps.db
          .selectFrom('customers')
          .select(['email', 'name', 'phone'])
          .where('id', '=', id)
          .executeTakeFirst();
        if (row === undefined) throw new AppError(customersErrors.CUSTOMER_NOT_FOUND);
        const wanted = [...new Set(request.body.fields)];
        const sealed = { email: row.email, name: row.name, phone: row.phone };
        const values = await deps.access.reveal(
          { ...access, action: 'customer.reveal' },
          id,
          wanted.map((field) => ({ field: FIELD_NAMES[field], rowId: id, sealed: sealed[field] })),
          {
            text: request.body.reason,
            ...(request.body.ticketId === undefined ? {} : { ticketId: request.body.ticketId }),
          },
        );
        const fields: Partial<Record<ApiField, string | null>> = {};
        for (const field of wanted) {
          const view = values.find((candidate) => candidate.field === FIELD_NAMES[field]);
          fields[field] = view !== undefined && 'value' in view ? view.value : null;
        }
        return { fields };
      },
    );
  };
}
