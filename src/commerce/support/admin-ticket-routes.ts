import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accessOf } from '../../identity/auth/index.js';
import type { StaffAccess } from '../../identity/auth/index.js';
import {
  assignBody,
  messageBody,
  staffListQuery,
  staffPostedMessage,
  staffTicket,
  staffTicketDetail,
  staffTicketState,
  ticketParams,
} from './support-schemas.js';
import type { SupportService } from './support-service.js';
import { staffDetail, staffListEntry, staffPosted, staffState } from './ticket-replies.js';

const TAGS = ['admin: support'];
const READ: StaffAccess = {
  audience: 'staff',
  permission: 'tickets.read',
  purposes: ['customer_support'],
};
const REPLY: StaffAccess = { ...READ, permission: 'tickets.reply' };

/**
 * Support for staff under `/admin` (C2.3, C2.5): the queue, one ticket, assignment and
 * answers. A conversation is in the clear only for the staff member assigned to it;
 * anyone else with the permission sees it redacted.
 */
export function adminTicketRoutes(support: SupportService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/admin/tickets',
      {
        config: { access: READ },
        schema: {
          tags: TAGS,
          summary: 'The ticket queue, newest first; subjects masked on tickets others have taken',
          querystring: staffListQuery,
          response: {
            200: z.object({ tickets: z.array(staffTicket), next: z.string().nullable() }),
          },
        },
      },
      async (request) => {
        const page = await support.staffTickets(accessOf(request), request.query);
        return { tickets: page.tickets.map(staffListEntry), next: page.next };
      },
    );

    app.get(
      '/admin/tickets/:id',
      {
        config: { access: READ },
        schema: {
          tags: TAGS,
          summary: 'One ticket with its messages: in the clear only for its assignee',
          params: ticketParams,
          response: { 200: staffTicketDetail },
        },
      },
      async (request) =>
        staffDetail(await support.staffTicket(accessOf(request), request.params.id)),
    );

    app.post(
      '/admin/tickets/:id/assign',
      {
        config: { access: REPLY },
        schema: {
          tags: TAGS,
          summary:
            'Assign the ticket to a staff member who may answer tickets (yourself by default)',
          params: ticketParams,
          body: assignBody,
          response: { 200: staffTicketState },
        },
      },
      async (request) =>
        staffState(
          await support.assign(accessOf(request), request.params.id, request.body?.staffId),
        ),
    );

    app.post(
      '/admin/tickets/:id/messages',
      {
        config: { access: REPLY },
        schema: {
          tags: TAGS,
          summary: 'Answer the ticket: only its assignee may; a ticket nobody has becomes yours',
          params: ticketParams,
          body: messageBody,
          response: { 201: staffPostedMessage },
        },
      },
      async (request, reply) => {
        const posted = await support.reply(accessOf(request), request.params.id, request.body.body);
        return reply.code(201).send(staffPosted(posted));
      },
    );
  };
}
