import type { Caller, DemoClient } from './demo-client.js';
import type { DemoShopper } from './demo-shop.js';

/** The routes a support conversation goes through. */
export const SUPPORT_ROUTES: readonly (readonly [string, string])[] = [
  ['POST', '/store/tickets'],
  ['POST', '/admin/tickets/:id/assign'],
  ['POST', '/admin/tickets/:id/messages'],
  ['POST', '/store/tickets/:id/messages'],
];

/**
 * A customer asks about their order, a support agent takes the ticket and answers, the
 * customer thanks them: subject and messages are sealed in the vault, and the agent's
 * read is in the customer's access history.
 */
export async function openDemoTicket(
  client: DemoClient,
  shopper: DemoShopper,
  agent: Caller,
  orderId: string | undefined,
): Promise<string> {
  const ticket = shopper.customer.ticket;
  if (ticket === undefined) throw new Error('this demo customer has no ticket');
  const as = { token: shopper.token };
  const opened = await client.send<{ id: string }>('POST', '/store/tickets', {
    as,
    body: {
      subject: ticket.subject,
      body: ticket.body,
      ...(orderId === undefined ? {} : { orderId }),
    },
    step: 'open ticket',
  });
  await client.send('POST', `/admin/tickets/${opened.id}/assign`, {
    as: agent,
    body: {},
    step: 'assign ticket',
  });
  await client.send('POST', `/admin/tickets/${opened.id}/messages`, {
    as: agent,
    body: { body: ticket.reply },
    step: 'answer ticket',
  });
  await client.send('POST', `/store/tickets/${opened.id}/messages`, {
    as,
    body: { body: 'Thank you!' },
    step: 'customer reply',
  });
  return opened.id;
}
