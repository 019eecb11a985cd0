import { hasUnsafeCharacters, type Masker } from './mask-marks.js';

/** Addresses are stored as JSON of a few short lines; more than this is not an address. */
const MAX_LENGTH = 4096;
/** A longer city is cut: the masked view needs the place, not whatever was typed into the field. */
const MAX_CITY = 85;
const COUNTRY = /^[A-Za-z]{2}$/;

function cityOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const city = value.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (city === '' || hasUnsafeCharacters(city)) return undefined;
  return [...city].slice(0, MAX_CITY).join('');
}

/**
 * `{"line1":…,"city":"Lyon","country":"fr",…}` → `Lyon, FR`: enough to know where an order
 * went, nothing that finds the door. Without a usable city only the country is shown;
 * without an ISO 3166-1 alpha-2 country the value is not an address and is redacted.
 */
export const maskCityCountry: Masker = (value) => {
  if (value.length > MAX_LENGTH) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { city, country } = parsed as Record<string, unknown>;
  if (typeof country !== 'string' || !COUNTRY.test(country.trim())) return undefined;
  const code = country.trim().toUpperCase();
  const shownCity = cityOf(city);
  return shownCity === undefined ? code : `${shownCity}, ${code}`;
};
