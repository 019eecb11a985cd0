import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '../../platform/errors/index.js';
import { searchAuditEvents } from '../../privacy/audit/index.js';
import { authErrors } from '../auth/index.js';
import { toHistoryEntry } from './access-history-entry.js';
import { accessHistoryQuery, accessHistoryReply } from './access-history-schemas.js';
import type { AuditRoutesDeps } from './audit-routes-deps.js';
import { accessOf } from '../auth/index.js';

const TAGS = ['store: privacy'];

/**
 * The customer's access history under `/store` (C3.3, C3.4): who, by role, read or changed
 * their data, when, why and which categories, reveals marked. By default only what others
 * did; `includeOwn=true` adds the customer's own acts. Reading it is not itself audited:
 * it shows the customer their own log, holds no personal data, and an entry for every
 * look would crowd out the entries it exists to show.
 */
export function accessHistoryRoutes(deps: AuditRoutesDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/store/me/access-history',
      {
        config: { access: { audience: 'customer', purpose: 'privacy_request' } },
        schema: {
          tags: TAGS,
          summary:
            'Who (by role) read or changed your data, when, why and which categories, newest first',
          querystring: accessHistoryQuery,
          response: { 200: accessHistoryReply },
        },
      },
      async (request) => {
        const { actor } = accessOf(request);
        if (actor.kind !== 'customer') throw new AppError(authErrors.WRONG_AUDIENCE);
        const { before, limit, includeOwn } = request.query;
        const page = await searchAuditEvents(deps.db, {
          // The subject is always the caller: no parameter can name another customer.
          subjectId: actor.id,
          notActorId: includeOwn === 'true' ? undefined : actor.id,
          before,
          limit,
        });
        return {
          events: page.events.map((event) => toHistoryEntry(event, actor.id)),
          nextBefore: page.nextBefore,
        };
      },
    );
  };
}
