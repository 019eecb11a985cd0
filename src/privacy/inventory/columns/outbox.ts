/** Non-personal columns of the outbox tables, with the reason each holds no personal data. */
export const OUTBOX_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  outbox_jobs: {
    id: 'random job id',
    kind: 'job kind code, such as mail.order_confirmation',
    payload:
      'ids, codes, counts and flags only; keys named like personal fields, email-like and card-number-like values are refused on enqueue',
    attempts: 'delivery attempts so far',
    available_at: 'earliest time of the next delivery attempt',
    claimed_until: 'lease expiry of the worker delivering it',
    claimed_by: 'random id of the worker process holding it',
    last_error: 'error code of the last failed attempt; never a message',
    created_at: 'enqueue time',
    completed_at: 'delivery time',
    dead_at: 'time the job was given up after its last attempt',
  },
};
