export {
  SERVICE_EVENT_KINDS,
  serviceEventsMigration,
  type ServiceEventKind,
  type ServiceEventTable,
  type ServiceEventTables,
} from './service-events-migration.js';
export {
  keptUserAgent,
  recentServiceEvents,
  ServiceLog,
  USER_AGENT_MAX_LENGTH,
  type ServiceEventInput,
} from './service-log.js';
export { signInRoutes, type SignInRoutesDeps } from './sign-in-routes.js';
