import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A fresh schema on the test server, so concurrent runs and test files never share
 * tables; connections reach it through `search_path`.
 */
export async function freshPostgresSchema(
  baseUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `t_${randomBytes(8).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
