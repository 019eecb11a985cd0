/** Non-personal columns of the refunds tables, with the reason each holds no personal data. */
export const REFUNDS_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {};
