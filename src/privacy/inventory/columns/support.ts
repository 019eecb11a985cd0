/** Non-personal columns of the support tables, with the reason each holds no personal data. */
export const SUPPORT_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {};
