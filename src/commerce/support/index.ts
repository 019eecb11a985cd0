export { adminTicketRoutes } from './admin-ticket-routes.js';
export type { Acting, OrderLookup, SupportDeps } from './support-deps.js';
export { supportErrors } from './support-errors.js';
export { supportMigration, TICKET_STATUSES } from './support-migration.js';
export type {
  MessageAuthorKind,
  SupportTables,
  TicketMessageTable,
  TicketStatus,
  TicketTable,
} from './support-migration.js';
export { SupportService } from './support-service.js';
export type { StaffTicketQuery, TicketPage, TicketQuery } from './support-service.js';
export { storeTicketRoutes } from './store-ticket-routes.js';
export type { NewTicket } from './ticket-open.js';
export type { MessageView, ShownField, TicketDetail, TicketView } from './ticket-reads.js';
export type { PostedMessage, TicketRecord } from './ticket-records.js';
