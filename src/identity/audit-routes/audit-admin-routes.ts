import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { AppError, isAppError } from '../../platform/errors/index.js';
import { accessErrors, auditActorId, auditActorRole } from '../../privacy/access/index.js';
import { searchAuditEvents, type StoredAuditEvent } from '../../privacy/audit/index.js';
import type { Purpose } from '../../privacy/inventory/index.js';
import type { RequestAccess } from '../auth/index.js';
import {
  AUDIT_FILTER_NAMES,
  auditEventsQuery,
  auditEventsReply,
  type auditEventReply,
} from './audit-admin-schemas.js';
import type { AuditRoutesDeps } from './audit-routes-deps.js';
import { auditQueryErrors } from './audit-routes-errors.js';
import { accessOf } from '../auth/index.js';

const TAGS = ['admin: audit'];
/**
 * Why staff read the log: investigating misuse (the security officer) or answering a
 * customer's request (the privacy officer). The first is the default.
 */
const AUDIT_PURPOSES: readonly [Purpose, ...Purpose[]] = ['risk_mitigation', 'privacy_request'];

type Query = z.infer<typeof auditEventsQuery>;

function toReply(event: StoredAuditEvent): z.infer<typeof auditEventReply> {
  return {
    id: event.id,
    seq: event.seq,
    occurredAt: event.occurredAt.toISOString(),
    actorId: event.actorId,
    actorRole: event.actorRole,
    action: event.action,
    purpose: event.purpose,
    subjectId: event.subjectId,
    categories: [...event.categories],
    decision: event.decision,
    requestId: event.requestId,
    outcome: event.outcome,
    detail: event.detail === undefined ? null : { ...event.detail },
  };
}

/**
 * Records a query of the log before its answer leaves (C3.3: reading the log is use too).
 * The detail names the filters, not their values; a query about one subject carries that
 * subject's id, so the customer sees in their access history that their record was looked at.
 */
async function recordQuery(
  deps: AuditRoutesDeps,
  access: RequestAccess,
  query: Query,
  returned: number,
): Promise<void> {
  const filters = AUDIT_FILTER_NAMES.filter((name) => query[name] !== undefined);
  try {
    await deps.audit.record([
      {
        occurredAt: deps.clock.now(),
        actorId: auditActorId(access.actor),
        actorRole: auditActorRole(access.actor),
        action: 'audit.query',
        purpose: access.purpose,
        subjectId: query.subjectId ?? null,
        categories: [],
        decision: 'none',
        requestId: access.requestId,
        outcome: 'success',
        detail: {
          filters: filters.length === 0 ? 'none' : filters.join(','),
          paged: query.before !== undefined,
          limit: query.limit,
          returned,
        },
      },
    ]);
  } catch (error) {
    // As for personal data: what cannot be logged is not answered (fail closed).
    if (isAppError(error) && error.code === 'AUDIT_EVENT_INVALID') throw error;
    throw new AppError(accessErrors.AUDIT_UNAVAILABLE, { cause: error });
  }
}

/** The audit log for staff with `audit.read` under `/admin` (C3.3): filtered, newest first. */
export function auditAdminRoutes(deps: AuditRoutesDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/admin/audit/events',
      {
        config: {
          access: { audience: 'staff', permission: 'audit.read', purposes: AUDIT_PURPOSES },
        },
        schema: {
          tags: TAGS,
          summary:
            'Audit events, newest first, filtered by time, actor, subject, action, purpose, outcome and decision; the query is audited',
          querystring: auditEventsQuery,
          response: { 200: auditEventsReply },
        },
      },
      async (request) => {
        const access = accessOf(request);
        const query = request.query;
        const from = query.from === undefined ? undefined : new Date(query.from);
        const to = query.to === undefined ? undefined : new Date(query.to);
        if (from !== undefined && to !== undefined && from.getTime() >= to.getTime()) {
          throw new AppError(auditQueryErrors.AUDIT_RANGE_INVALID);
        }
        const page = await searchAuditEvents(deps.db, {
          from,
          to,
          actorId: query.actorId,
          subjectId: query.subjectId,
          action: query.action,
          purpose: query.purpose,
          outcome: query.outcome,
          decision: query.decision,
          before: query.before,
          limit: query.limit,
        });
        await recordQuery(deps, access, query, page.events.length);
        return { events: page.events.map(toReply), nextBefore: page.nextBefore };
      },
    );
  };
}
