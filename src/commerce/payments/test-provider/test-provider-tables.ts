import type { Kysely } from 'kysely';
import {
  columnTypes,
  createInstanceSecret,
  dropInstanceSecret,
  loadInstanceSecret,
  type PlatformTables,
} from '../../../platform/db/index.js';

/** One authorisation at the test provider: amounts and state only, no card data. */
export interface TestProviderAuthorisationTable {
  id: string;
  amount_minor: number;
  currency: string;
  captured_minor: number;
  refunded_minor: number;
  /** The test card's behaviour code, such as `succeed` or `refund_fails`. */
  behaviour: string;
  voided_at: number | null;
  created_at: number;
  updated_at: number;
}

/** One refund at the test provider. */
export interface TestProviderRefundTable {
  id: string;
  authorisation_id: string;
  amount_minor: number;
  created_at: number;
}

/** One idempotency key: the digest of the first request's parameters and its outcome. */
export interface TestProviderRequestTable {
  /** `authorise`, `capture`, `void` or `refund`: keys are scoped to the operation. */
  operation: string;
  idempotency_key: string;
  /** HMAC-SHA256 (base64url) of the request parameters under the instance secret. */
  request_digest: string;
  /** JSON of the outcome: ok, and an id or a reason code. Never card data. */
  outcome: string;
  created_at: number;
}

/** The test provider's own tables, kept apart from the shop's as a processor's would be. */
export type TestProviderTables = PlatformTables & {
  test_provider_authorisations: TestProviderAuthorisationTable;
  test_provider_refunds: TestProviderRefundTable;
  test_provider_requests: TestProviderRequestTable;
};

const SECRET_KEY = 'test_payment_provider_secret';

/** Creates the test provider's tables and the instance secret its tokens are sealed with. */
export async function createTestProviderTables(db: Kysely<unknown>): Promise<void> {
  const { epochMs } = columnTypes(db);
  await db.schema
    .createTable('test_provider_authorisations')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('amount_minor', 'bigint', (col) => col.notNull())
    .addColumn('currency', 'text', (col) => col.notNull())
    .addColumn('captured_minor', 'bigint', (col) => col.notNull())
    .addColumn('refunded_minor', 'bigint', (col) => col.notNull())
    .addColumn('behaviour', 'text', (col) => col.notNull())
    .addColumn('voided_at', epochMs)
    .addColumn('created_at', epochMs, (col) => col.notNull())
    .addColumn('updated_at', epochMs, (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('test_provider_refunds')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('authorisation_id', 'text', (col) =>
      col.notNull().references('test_provider_authorisations.id'),
    )
    .addColumn('amount_minor', 'bigint', (col) => col.notNull())
    .addColumn('created_at', epochMs, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('test_provider_refunds_authorisation')
    .on('test_provider_refunds')
    .column('authorisation_id')
    .execute();
  await db.schema
    .createTable('test_provider_requests')
    .addColumn('operation', 'text', (col) => col.notNull())
    .addColumn('idempotency_key', 'text', (col) => col.notNull())
    .addColumn('request_digest', 'text', (col) => col.notNull())
    .addColumn('outcome', 'text', (col) => col.notNull())
    .addColumn('created_at', epochMs, (col) => col.notNull())
    .addPrimaryKeyConstraint('test_provider_requests_pk', ['operation', 'idempotency_key'])
    .execute();
  // Its own secret: tokens and request digests match nothing any other store computes.
  await createInstanceSecret(db, SECRET_KEY);
}

/** Drops what `createTestProviderTables` made. */
export async function dropTestProviderTables(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('test_provider_requests').execute();
  await db.schema.dropTable('test_provider_refunds').execute();
  await db.schema.dropTable('test_provider_authorisations').execute();
  await dropInstanceSecret(db, SECRET_KEY);
}

/** Reads the secret the test provider's tokens and request digests are keyed with. */
export async function loadTestProviderSecret(db: Kysely<PlatformTables>): Promise<Buffer> {
  return loadInstanceSecret(db, SECRET_KEY);
}
