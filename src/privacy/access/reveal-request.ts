import { AppError } from '../../platform/errors/index.js';
import { accessErrors } from './access-errors.js';
import type { FieldInput, RevealReason } from './field-view.js';

/** A reveal shows a few fields of one person, never a bulk copy (C2.3). */
export const MAX_REVEAL_FIELDS = 20;
const MIN_REASON = 8;
const MAX_REASON = 2000;
const TICKET_ID = /^[A-Za-z0-9][A-Za-z0-9_.:#-]{0,63}$/;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function refuse(problem: string): never {
  // The problem names a rule, never the text that broke it.
  throw new AppError(accessErrors.REVEAL_REQUEST_INVALID, { details: { problem } });
}

/** Throws REVEAL_REQUEST_INVALID unless the fields, reason and ticket id have the required shape. */
export function checkRevealRequest(fields: readonly FieldInput[], reason: RevealReason): void {
  if (fields.length === 0) refuse('no fields');
  if (fields.length > MAX_REVEAL_FIELDS) refuse('too many fields');
  if (typeof reason.text !== 'string') refuse('no reason');
  const length = [...reason.text.trim()].length;
  if (length < MIN_REASON) refuse('reason too short');
  if (length > MAX_REASON) refuse('reason too long');
  // The vault refuses text that is not well-formed Unicode; say so before anything is revealed.
  if (LONE_SURROGATE.test(reason.text)) refuse('reason not well-formed');
  // The ticket id is stored in the clear, so it may not carry free text.
  if (reason.ticketId !== undefined && !TICKET_ID.test(reason.ticketId))
    refuse('ticket id malformed');
}
