export { consentErrors } from './consent-errors.js';
export { ConsentLedger } from './consent-ledger.js';
export type { ConsentContext, ConsentRecord, ConsentStatus } from './consent-ledger.js';
export { consentMigration } from './consent-migration.js';
export type { ConsentRecordsTable, ConsentTables } from './consent-migration.js';
export {
  COLLECTION_POINTS,
  CONSENT_OFFERS,
  consentOffer,
  isConsentPurpose,
} from './consent-offers.js';
export type { CollectionPoint, ConsentOffer } from './consent-offers.js';
