import { defineErrors } from '../../platform/errors/index.js';

/** Errors of customer support. Messages name no ticket content and no person. */
export const supportErrors = defineErrors({
  TICKET_NOT_FOUND: { status: 404, level: 'info', message: 'No such ticket' },
  TICKET_CLOSED: {
    status: 409,
    level: 'info',
    message: 'The ticket is closed; open a new ticket to continue',
  },
  TICKET_NOT_ASSIGNED_TO_YOU: {
    status: 403,
    level: 'info',
    message:
      'Only the staff member the ticket is assigned to may answer it; assign it to yourself first',
  },
  TICKET_ASSIGNEE_INVALID: {
    status: 400,
    level: 'info',
    message: 'The staff member does not exist, is disabled or may not answer tickets',
  },
  TICKET_ORDER_INVALID: {
    status: 400,
    level: 'info',
    message: 'The order does not exist or is not one of yours',
  },
});
