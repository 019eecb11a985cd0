import { z } from 'zod';
import { TICKET_STATUSES } from './support-migration.js';

/** `:id` of a ticket route; any other shape answers TICKET_NOT_FOUND. */
export const ticketParams = z.strictObject({ id: z.string().min(1).max(64) });

const subject = z.string().trim().min(1).max(200);
const body = z.string().trim().min(1).max(5000);
const cursor = z
  .string()
  .regex(/^\d{1,16}\.tkt_[0-9a-z]{26}$/)
  .optional();
const limit = z.coerce.number().int().min(1).max(50).default(20);
const status = z.enum(TICKET_STATUSES);

/** `POST /store/tickets`. */
export const newTicketBody = z.strictObject({
  subject,
  body,
  orderId: z.string().min(1).max(64).optional(),
});

/** `POST …/tickets/:id/messages`. */
export const messageBody = z.strictObject({ body });

/** `POST /admin/tickets/:id/assign`: nobody named means the caller. */
export const assignBody = z
  .strictObject({ staffId: z.string().min(1).max(64).optional() })
  .nullish();

/** `POST /store/tickets/:id/close`: nothing to send, and nothing else accepted. */
export const closeBody = z.strictObject({}).nullish();

/** `GET /store/tickets`. */
export const customerListQuery = z.strictObject({
  status: status.optional(),
  limit,
  after: cursor,
});

/** `GET /admin/tickets`. */
export const staffListQuery = z.strictObject({
  status: status.optional(),
  assigned: z.enum(['me', 'none']).optional(),
  limit,
  after: cursor,
});

const ticketFacts = {
  id: z.string(),
  status,
  orderId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

/** A ticket's facts for its customer, without content: the answer to a change. */
export const customerTicketState = z.object(ticketFacts);

/** A ticket in the customer's own list. */
export const customerTicket = z.object({ ...ticketFacts, subject: z.string().nullable() });

/** One of the customer's tickets with the conversation. */
export const customerTicketDetail = customerTicket.extend({
  messages: z.array(
    z.object({
      id: z.string(),
      author: z.enum(['customer', 'staff']),
      body: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
});

/** A field as staff see it: clear, masked, erased or never given. */
export const shownField = z.object({
  view: z.enum(['clear', 'masked', 'erased', 'absent']),
  value: z.string().optional(),
});

/** A ticket in the staff queue; the subject is left out when the role may not see it. */
export const staffTicket = z.object({
  ...ticketFacts,
  customerId: z.string(),
  assignedTo: z.string().nullable(),
  subject: shownField.optional(),
});

/** A ticket with the conversation for staff. */
export const staffTicketDetail = staffTicket.extend({
  messages: z.array(
    z.object({
      id: z.string(),
      authorKind: z.enum(['customer', 'staff']),
      authorId: z.string(),
      body: shownField.optional(),
      createdAt: z.string(),
    }),
  ),
});

/** A ticket's facts for staff, without content: the answer to a change. */
export const staffTicketState = staffTicket.omit({ subject: true });

/** A message just stored, for its customer. */
export const postedMessage = z.object({
  id: z.string(),
  ticketId: z.string(),
  status,
  createdAt: z.string(),
});

/** A message just stored, for staff. */
export const staffPostedMessage = postedMessage.extend({ assignedTo: z.string().nullable() });
