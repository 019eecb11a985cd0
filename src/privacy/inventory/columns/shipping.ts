/** Non-personal columns of the shipping tables, with the reason each holds no personal data. */
export const SHIPPING_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {};
