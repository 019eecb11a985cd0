export { accessErrors } from './access-errors.js';
export { accessMigration } from './access-migration.js';
export type { AccessRevealsTable, AccessTables } from './access-migration.js';
export { AccessPolicy } from './access-policy.js';
export type { AccessDecision, AccessRequest } from './access-policy.js';
export { auditActorId, auditActorRole } from './actor.js';
export type { Actor } from './actor.js';
export { DEFAULT_ROLES } from './default-roles.js';
export type {
  AccessContext,
  ConsentCheck,
  FieldInput,
  FieldView,
  ReadContext,
  RevealReason,
} from './field-view.js';
export { isPermission, PERMISSIONS, SELF } from './permissions.js';
export type { Permission } from './permissions.js';
export { PersonalDataAccess } from './personal-data-access.js';
export type { PersonalDataAccessOptions } from './personal-data-access.js';
export { MAX_REVEAL_FIELDS } from './reveal-request.js';
export { parseRoleDefinitions } from './role-config.js';
export { roleProblems, UNGRANTABLE_CATEGORIES } from './role-definition.js';
export type { Grant, RoleDefinition } from './role-definition.js';
