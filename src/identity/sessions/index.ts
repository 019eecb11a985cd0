export { SessionStore } from './session-store.js';
export type { IssuedSession, Session, SessionLifetimes } from './session-store.js';
export { sessionsMigration } from './sessions-migration.js';
export type { AccountKind, SessionTable, SessionTables } from './sessions-migration.js';
