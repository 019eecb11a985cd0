import { createHmac } from 'node:crypto';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql, type Kysely } from 'kysely';
import {
  createInstanceSecret,
  loadInstanceSecret,
  type NamedMigration,
  type PlatformTables,
} from '../../platform/db/index.js';
import type { Clock } from '../../platform/clock.js';

/** One fixed-window counter, keyed by an HMAC of the route and client key. */
export interface RateLimitBucketTable {
  bucket_key: string;
  hits: number;
  window_started_at: number;
}

/** Tables the shared rate-limit store uses. */
export type RateLimitTables = PlatformTables & {
  rate_limit_bucket: RateLimitBucketTable;
};

const SECRET_KEY = 'rate_limit_key_secret';
// Rows older than the longest window the config allows are dead; swept now and then.
const MAX_WINDOW_MS = 86_400_000;
const SWEEP_EVERY = 1000;

/** Creates the bucket table and the instance secret the bucket keys are hashed with. */
export const rateLimitMigration: NamedMigration = {
  name: '0002_platform_rate_limit_bucket',
  migration: {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('rate_limit_bucket')
        .addColumn('bucket_key', 'text', (col) => col.primaryKey())
        .addColumn('hits', 'integer', (col) => col.notNull())
        .addColumn('window_started_at', 'bigint', (col) => col.notNull())
        .execute();
      await createInstanceSecret(db, SECRET_KEY);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('rate_limit_bucket').execute();
    },
  },
};

/** Reads the secret that bucket keys are hashed under. */
export async function loadRateLimitSecret(db: Kysely<PlatformTables>): Promise<Buffer> {
  return loadInstanceSecret(db, SECRET_KEY);
}

/** What a per-route store needs to know of its route. */
interface RouteShape {
  readonly url: string;
  readonly method: string | string[];
}

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A rate-limit store in the database, so that every app instance on one PostgreSQL counts
 * against the same limits. Client keys (addresses) are stored only as HMACs and expire
 * with their window.
 */
export function databaseRateLimitStore(
  db: Kysely<RateLimitTables>,
  secret: Buffer,
  clock: Clock,
): FastifyRateLimitStoreCtor {
  let calls = 0;

  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    constructor(
      _options?: unknown,
      private readonly scope = 'global',
    ) {}

    private bucketKey(key: string): string {
      return createHmac('sha256', secret).update(`${this.scope}\u0000${key}`).digest('base64url');
    }

    incr(key: string, callback: Callback, timeWindow: number): void {
      this.increment(key, timeWindow).then(
        (result) => callback(null, result),
        (error: unknown) =>
          callback(error instanceof Error ? error : new Error('rate limit store failed')),
      );
    }

    private async increment(
      key: string,
      timeWindow: number,
    ): Promise<{ current: number; ttl: number }> {
      const now = clock.now().getTime();
      const expired = sql<boolean>`rate_limit_bucket.window_started_at + ${timeWindow} <= ${now}`;
      const row = await db
        .insertInto('rate_limit_bucket')
        .values({ bucket_key: this.bucketKey(key), hits: 1, window_started_at: now })
        .onConflict((conflict) =>
          conflict.column('bucket_key').doUpdateSet({
            hits: sql<number>`CASE WHEN ${expired} THEN 1 ELSE rate_limit_bucket.hits + 1 END`,
            window_started_at: sql<number>`CASE WHEN ${expired} THEN ${now} ELSE rate_limit_bucket.window_started_at END`,
          }),
        )
        .returning(['hits', 'window_started_at'])
        .executeTakeFirstOrThrow();
      if (++calls % SWEEP_EVERY === 0) await this.sweep(now);
      return { current: Number(row.hits), ttl: Number(row.window_started_at) + timeWindow - now };
    }

    private async sweep(now: number): Promise<void> {
      await db
        .deleteFrom('rate_limit_bucket')
        .where('window_started_at', '<', now - MAX_WINDOW_MS)
        .execute();
    }

    // The plugin's types promise the route options, but at run time it passes the route's
    // merged limit settings with the route under `routeInfo` (as its own Redis store
    // reads it). Without the route every limited route would share one counter.
    child(options: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      const given = options as Partial<RouteShape> & { routeInfo?: Partial<RouteShape> };
      const route = given.routeInfo ?? given;
      const method = Array.isArray(route.method) ? route.method.join(',') : route.method;
      return new DatabaseRateLimitStore(undefined, `${method ?? ''} ${route.url ?? ''}`);
    }
  }

  return DatabaseRateLimitStore;
}
