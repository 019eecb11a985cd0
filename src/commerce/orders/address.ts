import { z } from 'zod';
import type { Address } from './order-types.js';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

// Codes CLDR names that are not countries: groupings and the user-assigned ranges
// (Kosovo's XK, in wide use, stays).
const NOT_COUNTRIES = /^(?:AA|EU|EZ|UN|ZZ|Q[M-Z]|X[A-JL-Z])$/;

/** True for an ISO 3166-1 alpha-2 country code the runtime's CLDR data knows. */
function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && !NOT_COUNTRIES.test(code) && regionNames.of(code) !== undefined;
}

const line = z.string().trim().min(1).max(200);

const addressFields = z.strictObject({
  line1: line,
  line2: line.optional(),
  city: z.string().trim().min(1).max(100),
  postalCode: z.string().trim().min(1).max(20),
  region: z.string().trim().min(1).max(100).optional(),
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 country code' })
    .toUpperCase()
    .refine(isCountryCode, { message: 'must be an ISO 3166-1 alpha-2 country code' }),
});

/** A postal address in a request: strict (C1.1), bounded, the country an ISO 3166-1 alpha-2 code. */
export const addressSchema = addressFields.transform(stripUndefined);

/** The JSON an address is sealed as: fixed key order, absent parts left out. */
export function addressJson(address: Address): string {
  return JSON.stringify({
    line1: address.line1,
    ...(address.line2 === undefined ? {} : { line2: address.line2 }),
    city: address.city,
    postalCode: address.postalCode,
    ...(address.region === undefined ? {} : { region: address.region }),
    country: address.country.toUpperCase(),
  });
}

/** An address as stored and as shown: the parts, not checked again, absent parts left out. */
export const storedAddress = z.object({
  line1: z.string(),
  line2: z.string().optional(),
  city: z.string(),
  postalCode: z.string(),
  region: z.string().optional(),
  country: z.string(),
});

/** An address opened from the vault, or undefined when the stored text is not one. */
export function parseAddress(json: string): Address | undefined {
  try {
    const parsed = storedAddress.safeParse(JSON.parse(json));
    return parsed.success ? stripUndefined(parsed.data) : undefined;
  } catch {
    return undefined;
  }
}

function stripUndefined(address: {
  line1: string;
  line2?: string | undefined;
  city: string;
  postalCode: string;
  region?: string | undefined;
  country: string;
}): Address {
  return {
    line1: address.line1,
    ...(address.line2 === undefined ? {} : { line2: address.line2 }),
    city: address.city,
    postalCode: address.postalCode,
    ...(address.region === undefined ? {} : { region: address.region }),
    country: address.country,
  };
}
