import type { Kysely } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FieldInput, FieldView, PersonalDataAccess } from '../../privacy/access/index.js';
import { accessOf, sessionOf } from '../auth/index.js';
import { SERVICE_EVENT_KINDS, type ServiceEventTables } from './service-events-migration.js';
import { recentServiceEvents } from './service-log.js';

const TAGS = ['store: account'];

/** What the sign-in history is built from. */
export interface SignInRoutesDeps {
  readonly db: Kysely<ServiceEventTables>;
  readonly access: PersonalDataAccess;
}

const signIn = z.object({
  id: z.string(),
  kind: z.enum(SERVICE_EVENT_KINDS),
  occurredAt: z.string(),
  network: z
    .string()
    .nullable()
    .describe('IPv4 /24 or IPv6 /48 network; the full address is never kept'),
  userAgent: z.string().nullable(),
});

/** A clear value, or null when it was never given or has been erased. */
function valueOf(views: readonly FieldView[], field: FieldInput['field'], rowId: string) {
  const view = views.find((candidate) => candidate.field === field && candidate.rowId === rowId);
  return view !== undefined && 'value' in view ? view.value : null;
}

/**
 * The customer's own sign-in history under `/store` (C1.3, C4.1): when, from which network
 * and with which browser, so they can tell whether a sign-in was theirs. Read through the
 * access engine for identity verification, the purpose these fields declare for it.
 */
export function signInRoutes(deps: SignInRoutesDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/store/me/sign-ins',
      {
        config: { access: { audience: 'customer', purpose: 'identity_verification' } },
        schema: {
          tags: TAGS,
          summary: 'Your recent sign-ins: when, the network (truncated) and the browser',
          querystring: z.strictObject({
            limit: z.coerce.number().int().min(1).max(100).default(20),
          }),
          response: { 200: z.object({ signIns: z.array(signIn) }) },
        },
      },
      async (request) => {
        const access = accessOf(request);
        const customerId = sessionOf(request).accountId;
        const rows = await recentServiceEvents(deps.db, customerId, request.query.limit);
        const fields = rows.flatMap((row): FieldInput[] => [
          { field: 'service_events.ip_truncated', rowId: row.id, sealed: row.ip_truncated },
          { field: 'service_events.user_agent', rowId: row.id, sealed: row.user_agent },
        ]);
        const views = await deps.access.read(
          { ...access, action: 'service_event.read' },
          customerId,
          fields,
        );
        return {
          signIns: rows.map((row) => ({
            id: row.id,
            kind: row.kind,
            occurredAt: new Date(row.occurred_at).toISOString(),
            network: valueOf(views, 'service_events.ip_truncated', row.id),
            userAgent: valueOf(views, 'service_events.user_agent', row.id),
          })),
        };
      },
    );
  };
}
