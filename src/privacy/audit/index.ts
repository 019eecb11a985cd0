export { auditErrors } from './audit-errors.js';
export {
  assertAuditEvent,
  AUDIT_DECISIONS,
  AUDIT_OUTCOMES,
  auditEventProblem,
} from './audit-event.js';
export type { AuditDecision, AuditDetail, AuditEvent, AuditOutcome } from './audit-event.js';
export { auditMigration } from './audit-migration.js';
export type { AuditEventsTable, AuditTables } from './audit-migration.js';
export { queryAuditEvents } from './audit-query.js';
export type { AuditPage, AuditQuery, StoredAuditEvent } from './audit-query.js';
export { searchAuditEvents } from './audit-search.js';
export type { AuditSearch } from './audit-search.js';
export type { AuditSink } from './audit-sink.js';
export { DatabaseAuditSink } from './database-audit-sink.js';
export { auditSealMigration } from './audit-seal-migration.js';
export { auditIndexMigration } from './audit-index-migration.js';
export type {
  AuditCheckpointsTable,
  AuditSealStateTable,
  AuditSealTables,
  SealedAuditEventsTable,
} from './audit-seal-migration.js';
export {
  encodeEntry,
  entryLeafHash,
  ENTRY_FIELDS,
  ENTRY_FORMAT_VERSION,
} from './entry-encoding.js';
export type { SealableEntry, StoredValue } from './entry-encoding.js';
export { chainHash, EMPTY_ROOT, leafHash, nodeHash, ZERO_HASH } from './merkle-hash.js';
export { MerkleFrontier } from './merkle-frontier.js';
export {
  consistencyProof,
  consistencyRanges,
  inclusionProof,
  inclusionRanges,
  verifyConsistency,
  verifyInclusion,
} from './merkle-proofs.js';
export type { LeafRange } from './merkle-proofs.js';
export { AuditSigningKey, auditSigningKeyPath, openAuditSigningKey } from './audit-signing-key.js';
export { parsePublicKeyPem, publicKeyId } from './signing-key-format.js';
export {
  checkpointFromJson,
  checkpointSignatureValid,
  checkpointStatement,
  checkpointToJson,
} from './checkpoint.js';
export type { Checkpoint, CheckpointJson } from './checkpoint.js';
export {
  AuditSealer,
  DEFAULT_CHECKPOINT_AFTER_MS,
  DEFAULT_CHECKPOINT_EVERY,
  DEFAULT_MAX_BATCH,
} from './audit-sealer.js';
export type { AuditSealerOptions, CheckpointSigner, SealResult } from './audit-sealer.js';
export { startSealer } from './start-sealer.js';
export type { SealerLoop, SealerLoopOptions, SealerTimers, SealRunReport } from './start-sealer.js';
export { verifyAuditLog } from './audit-verifier.js';
export type {
  AuditProblem,
  VerifyOptions,
  VerifyProgress,
  VerifyResult,
} from './audit-verifier.js';
export { latestCheckpoint, sealProgress } from './audit-log-reader.js';
export {
  buildConsistencyProof,
  buildInclusionProof,
  verifyConsistencyProofDocument,
  verifyInclusionProofDocument,
} from './audit-proofs.js';
export type {
  ConsistencyProofDocument,
  InclusionProofDocument,
  ProofCheck,
} from './audit-proofs.js';
export { exportCheckpoints, parseCheckpointExport, publicKeyToJson } from './checkpoint-export.js';
export type { CheckpointExport, PublicKeyJson } from './checkpoint-export.js';
