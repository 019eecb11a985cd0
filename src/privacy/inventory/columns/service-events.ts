/** Non-personal columns of the service-events tables, with the reason each holds no personal data. */
export const SERVICE_EVENTS_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> =
  {};
