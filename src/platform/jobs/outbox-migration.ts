import { sql, type Kysely } from 'kysely';
import { columnTypes, type NamedMigration } from '../db/index.js';

/** One job of the transactional outbox: ids and codes only, never personal data. */
export interface OutboxJobsTable {
  /** `job_…`. */
  id: string;
  /** What to do, such as `mail.order_confirmation`; selects the handler. */
  kind: string;
  /** JSON object of ids, codes, counts and flags; checked on enqueue. */
  payload: string;
  /** Deliveries started so far (a claim counts as one). */
  attempts: number;
  /** Not claimed before this time (epoch ms): the enqueue time, or the next retry. */
  available_at: number;
  /** A worker holds the job until this time (epoch ms); null when nobody does. */
  claimed_until: number | null;
  /** The random id of the worker holding or last holding the job. */
  claimed_by: string | null;
  /** The error code of the last failed delivery; never a message. */
  last_error: string | null;
  created_at: number;
  completed_at: number | null;
  /** Given up after the last attempt; kept for the operator to inspect. */
  dead_at: number | null;
}

/** Tables of the jobs module. */
export type OutboxTables = {
  outbox_jobs: OutboxJobsTable;
};

/** Creates `outbox_jobs` and the index workers claim through. */
export const outboxMigration: NamedMigration = {
  name: '0014_platform_outbox',
  migration: {
    async up(db: Kysely<unknown>) {
      const { epochMs } = columnTypes(db);
      await db.schema
        .createTable('outbox_jobs')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('available_at', epochMs, (col) => col.notNull())
        .addColumn('claimed_until', epochMs)
        .addColumn('claimed_by', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', epochMs, (col) => col.notNull())
        .addColumn('completed_at', epochMs)
        .addColumn('dead_at', epochMs)
        .execute();
      // Claiming asks for open jobs that are due, oldest first: a partial index keeps
      // that lookup as small as the backlog, however many delivered jobs are kept.
      await db.schema
        .createIndex('outbox_jobs_due')
        .on('outbox_jobs')
        .columns(['available_at', 'kind'])
        .where(sql<boolean>`completed_at is null and dead_at is null`)
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('outbox_jobs').execute();
    },
  },
};

/**
 * The backlog gauges read every job not yet done, grouped by kind: a partial index keeps
 * that read as small as the open and dead jobs, however many delivered jobs are kept.
 */
export const outboxOpenJobsMigration: NamedMigration = {
  name: '0022_platform_outbox_open_jobs',
  migration: {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('outbox_jobs_open')
        .on('outbox_jobs')
        .column('kind')
        .where(sql<boolean>`completed_at is null`)
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('outbox_jobs_open').execute();
    },
  },
};

/**
 * Delivered jobs are deleted once older than the outbox's retention: a partial index on
 * their completion time lets each purge batch find the oldest without reading the rest.
 */
export const outboxDoneJobsMigration: NamedMigration = {
  name: '0024_platform_outbox_done_jobs',
  migration: {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('outbox_jobs_done')
        .on('outbox_jobs')
        .column('completed_at')
        .where(sql<boolean>`completed_at is not null`)
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('outbox_jobs_done').execute();
    },
  },
};
