import { z } from 'zod';
import { AUDIT_DECISIONS, AUDIT_OUTCOMES } from '../../privacy/audit/index.js';
import { PURPOSES } from '../../privacy/inventory/index.js';

// The shapes the log itself accepts for ids and actions (audit-event.ts): a filter of any
// other shape could match nothing, and one with an '@' may be an email address pasted in.
const ID = /^[A-Za-z0-9_:.-]{1,128}$/;
const ACTION = /^[\x21-\x3f\x41-\x7e][\x20-\x3f\x41-\x7e]{0,199}$/;

/** What an access decision allowed, as stored. */
export const decisionSchema = z.enum(AUDIT_DECISIONS);
/** How an audited act ended, as stored. */
export const outcomeSchema = z.enum(AUDIT_OUTCOMES);

/** An instant with its offset (`Z` or `+02:00`): a time without one would be ambiguous. */
const instant = z.iso.datetime({ offset: true });

/** Page sizes of the audit query. */
export const AUDIT_PAGE = { default: 50, max: 200 } as const;

/** A page cursor: the id of the last event of the previous page. */
export const beforeCursor = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** A page size. */
export const pageLimit = z.coerce
  .number()
  .int()
  .min(1)
  .max(AUDIT_PAGE.max)
  .default(AUDIT_PAGE.default);

/** `GET /admin/audit/events`: every filter optional, combined with AND; nothing else accepted. */
export const auditEventsQuery = z.strictObject({
  from: instant.optional().describe('Events at or after this instant (ISO 8601 with offset)'),
  to: instant.optional().describe('Events before this instant (exclusive)'),
  actorId: z.string().regex(ID).optional().describe('Who acted: a pseudonymous id'),
  subjectId: z.string().regex(ID).optional().describe('Whose data: a pseudonymous id'),
  action: z.string().regex(ACTION).optional().describe('Such as customer.read'),
  purpose: z.enum(PURPOSES).optional(),
  outcome: outcomeSchema.optional(),
  decision: decisionSchema.optional(),
  before: beforeCursor.optional().describe('The nextBefore of the previous page'),
  limit: pageLimit,
});

/** The filters of the audit query, by name: recorded when a query is audited, never their values. */
export const AUDIT_FILTER_NAMES = [
  'from',
  'to',
  'actorId',
  'subjectId',
  'action',
  'purpose',
  'outcome',
  'decision',
] as const satisfies readonly (keyof z.infer<typeof auditEventsQuery>)[];

/** One audit event as staff with `audit.read` see it: everything stored, none of it personal. */
export const auditEventReply = z.object({
  id: z.number().int(),
  seq: z.number().int().nullable().describe('Its place in the sealed chain; null until sealed'),
  occurredAt: z.string(),
  actorId: z.string(),
  actorRole: z.string(),
  action: z.string(),
  purpose: z.enum(PURPOSES).nullable(),
  subjectId: z.string().nullable(),
  categories: z.array(z.string()),
  decision: decisionSchema,
  requestId: z.string().nullable(),
  outcome: outcomeSchema,
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).nullable(),
});

/** A page of audit events, newest first. */
export const auditEventsReply = z.object({
  events: z.array(auditEventReply),
  nextBefore: z.number().int().nullable(),
});
