import { tablesOf } from '../../platform/db/index.js';
import type { CatalogTables } from '../../commerce/catalog/index.js';

// SQLite says "no such table"; PostgreSQL answers SQLSTATE 42P01 (undefined_table).
function isMissingTable(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === '42P01' || (typeof message === 'string' && message.includes('no such table'));
}

/**
 * True when the shop has any product, archived ones included: the demo is loaded only
 * into an empty shop, never mixed into a real one. A database without the catalog table
 * (the module not installed) has none.
 */
export async function shopHasProducts(db: object): Promise<boolean> {
  try {
    const row = await tablesOf<CatalogTables>(db)
      .selectFrom('products')
      .select('id')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  } catch (error) {
    if (isMissingTable(error)) return false;
    throw error;
  }
}
