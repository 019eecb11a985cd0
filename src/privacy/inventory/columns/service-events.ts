/** Non-personal columns of the service-events tables, with the reason each holds no personal data. */
export const SERVICE_EVENTS_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  service_events: {
    id: 'random service-event id',
    subject_id: 'pseudonymous account id, also the data-key subject',
    kind: 'what happened: login, login_failed, logout or password_change',
    occurred_at: 'when it happened',
  },
};
