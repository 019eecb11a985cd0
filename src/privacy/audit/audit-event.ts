import { AppError } from '../../platform/errors/index.js';
import { CATEGORIES, isPurpose, type Category, type Purpose } from '../inventory/index.js';
import { auditErrors } from './audit-errors.js';

/** What an access decision allowed: the strongest view given, a denial, or no personal data read. */
export type AuditDecision = 'clear' | 'masked' | 'deny' | 'none';

/** How the audited act ended. */
export type AuditOutcome = 'success' | 'denied' | 'failure';

/** Non-personal facts about an event, such as counts, codes and ids. */
export type AuditDetail = Readonly<Record<string, string | number | boolean>>;

/**
 * One access decision or change to personal data (C3.3). It holds pseudonymous ids,
 * categories and codes, never personal data, so the log never blocks an erasure.
 */
export interface AuditEvent {
  readonly occurredAt: Date;
  /** A customer id, a staff id, `system:<name>` or `anonymous`. */
  readonly actorId: string;
  /** `customer`, the staff member's roles joined by `,`, `anonymous` or `system`. */
  readonly actorRole: string;
  /** What happened, such as `customer.read`, `customer.reveal` or `session.create`. */
  readonly action: string;
  readonly purpose: Purpose | null;
  /** The pseudonymous id of the person whose data was touched. */
  readonly subjectId: string | null;
  readonly categories: readonly Category[];
  readonly decision: AuditDecision;
  readonly requestId: string | null;
  readonly outcome: AuditOutcome;
  /** Never personal data: ids, counts, codes. */
  readonly detail?: AuditDetail;
}

/** Every decision, for checks of values read back or passed through a cast. */
export const AUDIT_DECISIONS: readonly AuditDecision[] = ['clear', 'masked', 'deny', 'none'];
/** Every outcome, for checks of values read back or passed through a cast. */
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'denied', 'failure'];

// Ids are type-prefixed tokens; no '@' or space, so an email address or a name cannot pass.
const ID = /^[A-Za-z0-9_:.-]{1,128}$/;
const ROLE = /^[a-z0-9_:,.-]{1,256}$/;
// Printable ASCII without '@': route templates such as `GET /admin/customers/:id` pass,
// an email address does not.
const ACTION = /^[\x21-\x3f\x41-\x7e][\x20-\x3f\x41-\x7e]{0,199}$/;
const DETAIL_KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const DETAIL_TEXT = /^[\x20-\x3f\x41-\x7e]{0,200}$/;
const MAX_DETAIL_KEYS = 20;

function detailProblem(detail: unknown): string | undefined {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return 'detail';
  const entries = Object.entries(detail);
  if (entries.length > MAX_DETAIL_KEYS) return 'detail';
  for (const [key, value] of entries) {
    if (!DETAIL_KEY.test(key)) return 'detail';
    if (typeof value === 'number' && Number.isFinite(value)) continue;
    if (typeof value === 'boolean') continue;
    if (typeof value === 'string' && DETAIL_TEXT.test(value)) continue;
    return `detail.${key}`;
  }
  return undefined;
}

/** The first property of an event that is missing, malformed or could hold personal data. */
export function auditEventProblem(event: AuditEvent): string | undefined {
  const nullableId = (value: unknown) =>
    value === null || (typeof value === 'string' && ID.test(value));
  if (!(event.occurredAt instanceof Date) || Number.isNaN(event.occurredAt.getTime())) {
    return 'occurredAt';
  }
  if (typeof event.actorId !== 'string' || !ID.test(event.actorId)) return 'actorId';
  if (typeof event.actorRole !== 'string' || !ROLE.test(event.actorRole)) return 'actorRole';
  if (typeof event.action !== 'string' || !ACTION.test(event.action)) return 'action';
  if (event.purpose !== null && !(typeof event.purpose === 'string' && isPurpose(event.purpose))) {
    return 'purpose';
  }
  if (!nullableId(event.subjectId)) return 'subjectId';
  const categories: unknown = event.categories;
  if (!Array.isArray(categories)) return 'categories';
  if (!categories.every((c: unknown) => typeof c === 'string' && Object.hasOwn(CATEGORIES, c))) {
    return 'categories';
  }
  if (!AUDIT_DECISIONS.includes(event.decision)) return 'decision';
  if (!nullableId(event.requestId)) return 'requestId';
  if (!AUDIT_OUTCOMES.includes(event.outcome)) return 'outcome';
  return event.detail === undefined ? undefined : detailProblem(event.detail);
}

/** Throws AUDIT_EVENT_INVALID, naming the property but never its value, unless the event is sound. */
export function assertAuditEvent(event: AuditEvent): void {
  const property = auditEventProblem(event);
  if (property !== undefined) {
    throw new AppError(auditErrors.AUDIT_EVENT_INVALID, { details: { property } });
  }
}
