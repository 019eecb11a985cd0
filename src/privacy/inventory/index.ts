export { CATEGORIES, CATEGORY_NAMES } from './categories.js';
export type { Category, CategoryGroup } from './categories.js';
export type { PersonalField, PersonalFieldSpec } from './field-spec.js';
export {
  allowsPurpose,
  columnDeclaration,
  fieldsInCategory,
  inventoryProblems,
  isPersonalFieldName,
  personalField,
  personalFields,
  personalLogKeys,
} from './inventory.js';
export { MASKING_RULES } from './masking-rules.js';
export type { MaskingRule } from './masking-rules.js';
export { NON_PERSONAL_COLUMNS } from './non-personal-columns.js';
export { PERSONAL_FIELDS } from './personal-fields.js';
export type { PersonalFieldName } from './personal-fields.js';
export { PROCESSOR_KINDS } from './processors.js';
export type { ProcessorKind } from './processors.js';
export { CONSENT_PURPOSES, LAWFUL_BASES, PURPOSES, isPurpose } from './purposes.js';
export type { LawfulBasis, Purpose } from './purposes.js';
export { RETENTION_CLASSES } from './retention.js';
export type { RetentionClass } from './retention.js';
export { fieldsSharedWith, type FieldSharedWith } from './shared-with.js';
