import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accessOf, sessionOf } from '../../identity/auth/index.js';
import type { CustomerAccess } from '../../identity/auth/index.js';
import {
  closeBody,
  customerListQuery,
  customerTicket,
  customerTicketDetail,
  customerTicketState,
  messageBody,
  newTicketBody,
  postedMessage,
  ticketParams,
} from './support-schemas.js';
import type { SupportService } from './support-service.js';
import {
  customerDetail,
  customerListEntry,
  customerPosted,
  customerState,
} from './ticket-replies.js';

const TAGS = ['store: support'];
const ACCESS: CustomerAccess = { audience: 'customer', purpose: 'customer_support' };

/**
 * Support for customers under `/store`: open tickets, read and answer their own, close
 * them. Another customer's ticket answers TICKET_NOT_FOUND, as a missing one does.
 */
export function storeTicketRoutes(support: SupportService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/store/tickets',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'Open a ticket with its first message, optionally about one of your orders',
          body: newTicketBody,
          response: { 201: customerTicketState },
        },
      },
      async (request, reply) => {
        const ticket = await support.open(accessOf(request), {
          customerId: sessionOf(request).accountId,
          ...request.body,
        });
        return reply.code(201).send(customerState(ticket));
      },
    );

    app.get(
      '/store/tickets',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'Your tickets, newest first',
          querystring: customerListQuery,
          response: {
            200: z.object({ tickets: z.array(customerTicket), next: z.string().nullable() }),
          },
        },
      },
      async (request) => {
        const page = await support.customerTickets(
          accessOf(request),
          sessionOf(request).accountId,
          request.query,
        );
        return { tickets: page.tickets.map(customerListEntry), next: page.next };
      },
    );

    app.get(
      '/store/tickets/:id',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'One of your tickets with its messages',
          params: ticketParams,
          response: { 200: customerTicketDetail },
        },
      },
      async (request) =>
        customerDetail(
          await support.customerTicket(
            accessOf(request),
            sessionOf(request).accountId,
            request.params.id,
          ),
        ),
    );

    app.post(
      '/store/tickets/:id/messages',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'Write on your ticket; it is open again until the shop answers',
          params: ticketParams,
          body: messageBody,
          response: { 201: postedMessage },
        },
      },
      async (request, reply) => {
        const posted = await support.addCustomerMessage(
          accessOf(request),
          sessionOf(request).accountId,
          request.params.id,
          request.body.body,
        );
        return reply.code(201).send(customerPosted(posted));
      },
    );

    app.post(
      '/store/tickets/:id/close',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'Close your ticket; closing a closed ticket changes nothing',
          params: ticketParams,
          body: closeBody,
          response: { 200: customerTicketState },
        },
      },
      async (request) =>
        customerState(
          await support.close(accessOf(request), sessionOf(request).accountId, request.params.id),
        ),
    );
  };
}
