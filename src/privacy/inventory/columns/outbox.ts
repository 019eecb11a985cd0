/** Non-personal columns of the outbox tables, with the reason each holds no personal data. */
export const OUTBOX_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {};
