import { baseMigration, type NamedMigration } from '../platform/db/index.js';
import { keysMigration } from '../privacy/keys/index.js';
import { blindIndexMigration } from '../privacy/vault/index.js';
import { rateLimitMigration } from './http/rate-limit-store.js';

/**
 * Every schema change of every module, in the order they apply. Names start with a
 * global sequence number; a test checks that the list is sorted and has no gaps.
 */
export const MIGRATIONS: readonly NamedMigration[] = Object.freeze([
  baseMigration,
  rateLimitMigration,
  keysMigration,
  blindIndexMigration,
]);
