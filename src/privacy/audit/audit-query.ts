import type { Kysely, Selectable } from 'kysely';
import { CATEGORIES, isPurpose, type Category } from '../inventory/index.js';
import {
  AUDIT_DECISIONS,
  AUDIT_OUTCOMES,
  type AuditDecision,
  type AuditDetail,
  type AuditEvent,
  type AuditOutcome,
} from './audit-event.js';
import type { AuditEventsTable, AuditTables } from './audit-migration.js';

/** An event as stored, with its place in the log. */
export type StoredAuditEvent = AuditEvent & { readonly id: number };

/** One page of a subject's events, newest first; pass `nextBefore` to get the next page. */
export interface AuditPage {
  readonly events: readonly StoredAuditEvent[];
  /** The `before` of the next page, or null when this was the last. */
  readonly nextBefore: number | null;
}

/** Which page of which subject's events. */
export interface AuditQuery {
  readonly subjectId: string;
  /** 1 to 200; 50 when absent. */
  readonly limit?: number;
  /** Only events older than this id (keyset pagination: stable while new events arrive). */
  readonly before?: number;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function fromRow(row: Selectable<AuditEventsTable>): StoredAuditEvent {
  const categories = parseJson(row.categories);
  const detail = parseJson(row.detail);
  const event: StoredAuditEvent = {
    id: Number(row.id),
    occurredAt: new Date(Number(row.occurred_at)),
    actorId: row.actor_id,
    actorRole: row.actor_role,
    action: row.action,
    purpose: row.purpose !== null && isPurpose(row.purpose) ? row.purpose : null,
    subjectId: row.subject_id,
    categories: Array.isArray(categories)
      ? categories.filter(
          (c): c is Category => typeof c === 'string' && Object.hasOwn(CATEGORIES, c),
        )
      : [],
    decision: (AUDIT_DECISIONS as readonly string[]).includes(row.decision)
      ? (row.decision as AuditDecision)
      : 'none',
    requestId: row.request_id,
    outcome: (AUDIT_OUTCOMES as readonly string[]).includes(row.outcome)
      ? (row.outcome as AuditOutcome)
      : 'failure',
  };
  return typeof detail === 'object' && detail !== null && !Array.isArray(detail)
    ? { ...event, detail: detail as AuditDetail }
    : event;
}

/**
 * A subject's audit events, newest first, a page at a time: the customer's access
 * history (who read or changed their data, when, why, which categories) reads this.
 */
export async function queryAuditEvents(
  db: Kysely<AuditTables>,
  query: AuditQuery,
): Promise<AuditPage> {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
  let select = db
    .selectFrom('audit_events')
    .selectAll()
    .where('subject_id', '=', query.subjectId)
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (query.before !== undefined) select = select.where('id', '<', query.before);
  const rows = await select.execute();
  const events = rows.slice(0, limit).map(fromRow);
  const last = events[events.length - 1];
  return { events, nextBefore: rows.length > limit && last !== undefined ? last.id : null };
}
