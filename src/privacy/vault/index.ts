export { blindIndexMigration, DIGEST_BYTES, normaliseForIndex } from './blind-index.js';
export type { BlindIndexTable } from './blind-index.js';
export { ERASED, Erased, isErased } from './erased.js';
export { AES_GCM_CODEC, FORMAT_V1, openField, sealField } from './field-codec.js';
export type { FieldCodec, OpenFailure, Opened, Sealed } from './field-codec.js';
export { Shredder } from './shredder.js';
export { Vault } from './vault.js';
export type {
  FieldReader,
  FieldRef,
  FieldWriter,
  IntegrityFailure,
  VaultHooks,
  VaultTables,
} from './vault.js';
export { vaultErrors } from './vault-errors.js';
