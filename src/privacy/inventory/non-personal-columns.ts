/**
 * Every database column that holds no personal data, with the reason. A column in
 * neither this table nor PERSONAL_FIELDS fails the column-inventory test (C1.1), so a
 * new column is a decision someone wrote down.
 */
export const NON_PERSONAL_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
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
};
