/** Non-personal columns of the orders tables, with the reason each holds no personal data. */
export const ORDERS_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {};
