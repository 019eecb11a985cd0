import { z } from 'zod';
import { PURPOSES } from '../../privacy/inventory/index.js';
import { beforeCursor, outcomeSchema, pageLimit } from './audit-admin-schemas.js';

/** Who acted, as the customer may know it: a kind of actor, never an id. */
export const ACTOR_KINDS = ['staff', 'system', 'you', 'customer', 'anonymous'] as const;

/** `GET /store/me/access-history`. */
export const accessHistoryQuery = z.strictObject({
  before: beforeCursor.optional().describe('The nextBefore of the previous page'),
  limit: pageLimit,
  includeOwn: z
    .enum(['true', 'false'])
    .default('false')
    .describe('Also list what you did yourself (signing in, changing your password)'),
});

/** One act on the customer's data, as the customer sees it: roles and purposes, no ids of people. */
export const accessHistoryEntry = z.object({
  id: z.number().int(),
  occurredAt: z.string(),
  by: z.enum(ACTOR_KINDS),
  /** The acting staff member's roles; `customer`, `system` or `anonymous` otherwise. */
  roles: z.array(z.string()),
  action: z.string(),
  description: z.string(),
  purpose: z.enum(PURPOSES).nullable(),
  categories: z.array(z.object({ category: z.string(), label: z.string() })),
  reveal: z.boolean(),
  outcome: outcomeSchema,
});

/** A page of the customer's access history, newest first. */
export const accessHistoryReply = z.object({
  events: z.array(accessHistoryEntry),
  nextBefore: z.number().int().nullable(),
});
