/**
 * How a field is shown to a role that may see it only masked (C2.5). The transformations
 * live in privacy/masking; the inventory names which one applies.
 */
export const MASKING_RULES = [
  /** First letter of the local part and the domain: `j•••@example.test`. */
  'email',
  /** Last two digits: `•••••••42`. */
  'phone',
  /** Initials: `J. D.`. */
  'initials',
  /** City and country only. */
  'city_country',
  /** Card brand and last four digits. */
  'card',
  /** Nothing of the value is shown. */
  'redact',
] as const;

/** A masking rule. */
export type MaskingRule = (typeof MASKING_RULES)[number];
