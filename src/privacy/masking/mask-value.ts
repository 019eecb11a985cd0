import type { MaskingRule } from '../inventory/index.js';
import { maskCard } from './mask-card.js';
import { maskCityCountry } from './mask-city-country.js';
import { maskEmail } from './mask-email.js';
import { maskInitials } from './mask-initials.js';
import { REDACTED, type Masker } from './mask-marks.js';
import { maskPhone } from './mask-phone.js';

const MASKERS: Readonly<Record<MaskingRule, Masker>> = {
  email: maskEmail,
  phone: maskPhone,
  initials: maskInitials,
  city_country: maskCityCountry,
  card: maskCard,
  redact: () => REDACTED,
};

/**
 * The masked form of a clear value under the inventory's rule (C2.5). Never throws and
 * never echoes a value it cannot mask: a malformed value, an unknown rule or a non-string
 * arriving through a cast all give `[redacted]`.
 */
export function maskValue(rule: MaskingRule, value: string): string {
  if (typeof value !== 'string' || !Object.hasOwn(MASKERS, rule)) return REDACTED;
  try {
    return MASKERS[rule](value) ?? REDACTED;
  } catch {
    // A masker has no reason to throw; if one ever does, the value still must not leak.
    return REDACTED;
  }
}
