/** Non-personal columns of the carts tables, with the reason each holds no personal data. */
export const CARTS_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {};
