/** Non-personal columns of the payments tables, with the reason each holds no personal data. */
export const PAYMENTS_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {};
