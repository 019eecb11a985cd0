export { auditErrors } from './audit-errors.js';
export { assertAuditEvent, auditEventProblem } from './audit-event.js';
export type { AuditDecision, AuditDetail, AuditEvent, AuditOutcome } from './audit-event.js';
export { auditMigration } from './audit-migration.js';
export type { AuditEventsTable, AuditTables } from './audit-migration.js';
export { queryAuditEvents } from './audit-query.js';
export type { AuditPage, AuditQuery, StoredAuditEvent } from './audit-query.js';
export type { AuditSink } from './audit-sink.js';
export { DatabaseAuditSink } from './database-audit-sink.js';
