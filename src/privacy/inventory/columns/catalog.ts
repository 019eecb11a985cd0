/** Non-personal columns of the catalog tables, with the reason each holds no personal data. */
export const CATALOG_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {};
