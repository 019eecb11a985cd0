/** Non-personal columns of the support tables, with the reason each holds no personal data. */
export const SUPPORT_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  tickets: {
    id: 'random ticket id',
    customer_id: 'pseudonymous customer id, also the data-key subject of the subject and messages',
    order_id: 'random order id the ticket is about, if any',
    status: 'open, answered or closed',
    assigned_to: 'pseudonymous staff id of the assignee',
    created_at: 'creation time',
    updated_at: 'last change time',
  },
  ticket_messages: {
    id: 'random message id',
    ticket_id: 'random ticket id',
    customer_id: 'pseudonymous customer id, the data-key subject the body is sealed under',
    author_kind: 'customer or staff',
    author_id: 'pseudonymous customer or staff id of the author',
    created_at: 'time the message was written',
    position: 'place of the message in its conversation',
  },
};
