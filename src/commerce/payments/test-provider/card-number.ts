/** Card brands the test provider knows, as processors name them. */
export const CARD_BRANDS = [
  'visa',
  'mastercard',
  'amex',
  'discover',
  'jcb',
  'diners',
  'unionpay',
] as const;

/** A card brand. */
export type CardBrand = (typeof CARD_BRANDS)[number];

interface BrandRule {
  readonly brand: CardBrand;
  /** Issuer identification number ranges, as inclusive [low, high] prefixes of equal length. */
  readonly ranges: readonly (readonly [string, string])[];
  readonly lengths: readonly number[];
}

// Checked in order; the first rule whose prefix and length match names the brand.
const RULES: readonly BrandRule[] = [
  {
    brand: 'amex',
    ranges: [
      ['34', '34'],
      ['37', '37'],
    ],
    lengths: [15],
  },
  { brand: 'visa', ranges: [['4', '4']], lengths: [13, 16, 19] },
  {
    brand: 'mastercard',
    ranges: [
      ['51', '55'],
      ['2221', '2720'],
    ],
    lengths: [16],
  },
  {
    brand: 'discover',
    ranges: [
      ['6011', '6011'],
      ['644', '649'],
      ['65', '65'],
    ],
    lengths: [16, 17, 18, 19],
  },
  { brand: 'jcb', ranges: [['3528', '3589']], lengths: [16, 17, 18, 19] },
  {
    brand: 'diners',
    ranges: [
      ['300', '305'],
      ['36', '36'],
      ['38', '39'],
    ],
    lengths: [14, 15, 16, 17, 18, 19],
  },
  { brand: 'unionpay', ranges: [['62', '62']], lengths: [16, 17, 18, 19] },
];

/**
 * The digits of a card number as people type it (groups separated by single spaces or
 * dashes), or undefined when it is not 13 to 19 digits.
 */
export function normaliseCardNumber(input: string): string | undefined {
  if (!/^\d+(?:[ -]\d+)*$/.test(input)) return undefined;
  const digits = input.replace(/[ -]/g, '');
  return digits.length >= 13 && digits.length <= 19 ? digits : undefined;
}

/** True when a string of digits passes the Luhn (mod 10) check. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The brand of a card number by its issuer prefix and length; undefined when none fits. */
export function brandOf(digits: string): CardBrand | undefined {
  for (const rule of RULES) {
    if (!rule.lengths.includes(digits.length)) continue;
    const inRange = rule.ranges.some(([low, high]) => {
      const prefix = digits.slice(0, low.length);
      return prefix >= low && prefix <= high;
    });
    if (inRange) return rule.brand;
  }
  return undefined;
}
