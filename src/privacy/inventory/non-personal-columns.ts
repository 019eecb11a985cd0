import { OUTBOX_COLUMNS } from './columns/outbox.js';
import { CATALOG_COLUMNS } from './columns/catalog.js';
import { CARTS_COLUMNS } from './columns/carts.js';
import { PAYMENTS_COLUMNS } from './columns/payments.js';
import { ORDERS_COLUMNS } from './columns/orders.js';
import { SHIPPING_COLUMNS } from './columns/shipping.js';
import { REFUNDS_COLUMNS } from './columns/refunds.js';
import { SUPPORT_COLUMNS } from './columns/support.js';
import { SERVICE_EVENTS_COLUMNS } from './columns/service-events.js';

/**
 * Every database column that holds no personal data, with the reason. A column in
 * neither this table nor PERSONAL_FIELDS fails the column-inventory test (C1.1), so a
 * new column is a decision someone wrote down.
 */
export const NON_PERSONAL_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ...OUTBOX_COLUMNS,
  ...CATALOG_COLUMNS,
  ...CARTS_COLUMNS,
  ...PAYMENTS_COLUMNS,
  ...ORDERS_COLUMNS,
  ...SHIPPING_COLUMNS,
  ...REFUNDS_COLUMNS,
  ...SUPPORT_COLUMNS,
  ...SERVICE_EVENTS_COLUMNS,

  kysely_migration: { name: 'migration name', timestamp: 'when it was applied' },
  kysely_migration_lock: { id: 'lock row id', is_locked: 'lock flag' },
  instance_meta: { key: 'setting name', value: 'installation facts and secrets, no personal data' },
  rate_limit_bucket: {
    bucket_key:
      'keyed HMAC of route and client address; not reversible without the instance secret, expires with its window',
    hits: 'request count',
    window_started_at: 'window start time',
  },
  subject_key: {
    id: 'insertion sequence',
    subject_id: 'pseudonymous subject id',
    key_id: 'random data-key id carried in ciphertexts',
    kek_version: 'version of the key-encryption key that wraps it',
    wrapped_key: 'the data key, encrypted under a KEK; destroyed on erasure',
    created_at: 'creation time',
    shredded_at: 'erasure time',
  },
  blind_index: {
    field: 'declared field name',
    digest: 'truncated keyed HMAC of the normalised value',
    subject_id: 'pseudonymous subject id',
    row_id: 'id of the row holding the field',
  },
  login_throttle: {
    throttle_key:
      'keyed HMAC of the policy kind and the account or client-address key; not reversible without the instance secret, swept after a week idle',
    failures: 'count of failed sign-ins in the current run',
    first_failure_at: 'start of the current run of failures',
    last_failure_at: 'time of the latest failure',
    locked_until: 'time before which no sign-in attempt is allowed',
  },
  customers: {
    id: 'pseudonymous customer id, also the data-key subject',
    email_verified_at: 'when the address was confirmed',
    created_at: 'registration time',
    updated_at: 'last change time',
  },
  email_verifications: {
    token_hash: 'SHA-256 of a random one-time token',
    customer_id: 'pseudonymous customer id',
    expires_at: 'expiry time',
    used_at: 'when it was used',
  },
  staff: {
    id: 'pseudonymous staff id, also the data-key subject',
    totp_last_step: 'last accepted TOTP time step, against replay',
    roles: 'role names',
    created_at: 'creation time',
    updated_at: 'last change time',
    disabled_at: 'when the account was disabled',
    setup_token_hash: 'SHA-256 of a random one-time set-up token',
    setup_expires_at: 'set-up link expiry',
  },
  staff_recovery_codes: {
    staff_id: 'pseudonymous staff id',
    code_hash: 'SHA-256 of a random one-time recovery code',
    used_at: 'when it was used',
  },
  sessions: {
    id: 'random session id',
    token_hash: 'SHA-256 of the random session token',
    account_kind: 'customer or staff',
    account_id: 'pseudonymous account id',
    created_at: 'login time',
    last_seen_at: 'last use, for the idle timeout',
    expires_at: 'absolute expiry',
    revoked_at: 'logout or revocation time',
    reauthenticated_at: 'when the password was last proved again',
  },
  audit_events: {
    id: 'insertion sequence of the audit log',
    occurred_at: 'event time',
    actor_id: 'pseudonymous actor id: customer id, staff id or system:<name>',
    actor_role: 'role names the actor acted in',
    action: 'action code',
    purpose: 'declared purpose of the access',
    subject_id: 'pseudonymous subject id',
    categories: 'names of the field categories touched',
    decision: 'access decision: clear, masked, deny or none',
    request_id: 'request id',
    outcome: 'success, denied or failure',
    detail: 'non-personal facts: counts, codes and ids, checked on write',
    seq: 'place of the event in the sealed log',
    leaf_hash: 'SHA-256 leaf hash of the stored event (RFC 6962)',
    chain_hash: 'SHA-256 hash chain over the leaf hashes',
  },
  audit_checkpoints: {
    tree_size: 'number of sealed events the checkpoint covers',
    previous_tree_size: 'tree size of the checkpoint before it',
    root_hash: 'Merkle root hash of the sealed events',
    chain_hash: 'hash chain value after the last covered event',
    signed_at: 'signing time',
    key_id: 'id of the Ed25519 signing key: a hash of its public key',
    signature: 'Ed25519 signature of the checkpoint statement',
  },
  audit_seal_state: {
    id: 'fixed row id',
    tree_size: 'number of sealed events',
    chain_hash: 'hash chain value after the last sealed event',
    frontier: 'Merkle subtree hashes along the right edge of the tree',
  },
  consent_records: {
    seq: 'recording order',
    id: 'consent receipt id',
    subject_id: 'pseudonymous subject id',
    purpose: 'consent purpose',
    granted: 'the choice, 0 or 1',
    policy_version: 'policy version in force when the choice was offered',
    wording: "the shop's own text shown beside the choice",
    collection_point: 'where the choice was made',
    recorded_at: 'time of the choice',
  },
  access_reveals: {
    id: 'reveal id',
    subject_id: 'pseudonymous subject id',
    staff_id: 'pseudonymous staff id',
    fields: 'names of the declared fields revealed',
    purpose: 'declared purpose of the reveal',
    ticket_id: 'ticket reference; letters, digits and _.:#- only, no free text',
    revealed_at: 'reveal time',
  },
};
