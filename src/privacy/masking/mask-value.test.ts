// C2.5: masked views show only what their rule allows, and malformed input is redacted,
// never echoed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MASKING_RULES, type MaskingRule } from '../inventory/index.js';
import { maskValue, REDACTED } from './index.js';

const RUNS = { numRuns: 1000 };

describe('email rule', () => {
  it.each([
    ['jane.doe@example.test', 'j•••@example.test'],
    ['  Bob@Example.Test ', 'B•••@Example.Test'],
    ['a@b.example', 'a•••@b.example'],
    ['émile@exämple.test', 'é•••@exämple.test'],
    ['😀smile@example.test', '😀•••@example.test'],
  ])('%s → %s', (clear, masked) => {
    expect(maskValue('email', clear)).toBe(masked);
  });

  it.each([
    '',
    'no-at-sign',
    '@example.test',
    'jane@',
    'jane@@example.test',
    'a@b@example.test',
    'jane doe@example.test',
    'jane@exa mple.test',
    'jane@-example.test',
    'jane@example..test',
    'j•••@example.test',
    'ja\nne@example.test',
    `${'x'.repeat(400)}@example.test`,
  ])('redacts the malformed %j', (clear) => {
    expect(maskValue('email', clear)).toBe(REDACTED);
  });

  it('never contains the clear address, and keeps only its first letter and domain (1,000 runs)', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const masked = maskValue('email', email);
        const at = email.lastIndexOf('@');
        expect(masked).not.toContain(email);
        expect(masked).toBe(`${email[0] ?? ''}•••@${email.slice(at + 1)}`);
      }),
      RUNS,
    );
  });
});

describe('phone rule', () => {
  it.each([
    ['+44 20 7946 0042', '•••• 42'],
    ['(555) 010-9999', '•••• 99'],
    ['0612345678', '•••• 78'],
    ['123456', '•••• 56'],
  ])('%s → %s', (clear, masked) => {
    expect(maskValue('phone', clear)).toBe(masked);
  });

  it('is the same width for every number, so the length does not show', () => {
    const widths = ['123456', '+1 555 0100 1234', '+49 30 901820 123456'].map(
      (phone) => maskValue('phone', phone).length,
    );
    expect(new Set(widths)).toEqual(new Set([7]));
  });

  it.each(['', '12345', 'call me', '+44 20 7946 0042 ext. 7', '1'.repeat(21), '٠١٢٣٤٥٦٧'])(
    'redacts the malformed %j',
    (clear) => {
      expect(maskValue('phone', clear)).toBe(REDACTED);
    },
  );

  it('never contains the clear number (1,000 runs)', () => {
    const group = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 5 });
    const phone = fc
      .tuple(
        fc.boolean(),
        fc.array(group, { minLength: 2, maxLength: 5 }),
        fc.constantFrom(' ', '-', '.', ''),
      )
      .map(([plus, groups, separator]) => `${plus ? '+' : ''}${groups.join(separator)}`)
      .filter(
        (value) => value.replace(/\D/g, '').length >= 6 && value.replace(/\D/g, '').length <= 20,
      );
    fc.assert(
      fc.property(phone, (clear) => {
        const masked = maskValue('phone', clear);
        expect(masked).not.toContain(clear);
        expect(masked).toBe(`•••• ${clear.replace(/\D/g, '').slice(-2)}`);
      }),
      RUNS,
    );
  });
});

describe('initials rule', () => {
  it.each([
    ['Jane Doe', 'J. D.'],
    ['jane van doe', 'J. V. D.'],
    ['  Ævar   Þór ', 'Æ. Þ.'],
    ['山田 太郎', '山. 太.'],
    ['e\u0301mile zola', 'É. Z.'],
    ['ßarah', 'S.'],
    ['"Jo" (Bob) & Smith', 'J. B. S.'],
    ['𝒜da Lovelace', '𝒜. L.'],
    ['Madonna', 'M.'],
  ])('%s → %s', (clear, masked) => {
    expect(maskValue('initials', clear)).toBe(masked);
  });

  it.each(['', '   ', '123 456', '- &', 'Jane\u0000Doe', 'Jane\u202EDoe', 'a '.repeat(200)])(
    'redacts the malformed %j',
    (clear) => {
      expect(maskValue('initials', clear)).toBe(REDACTED);
    },
  );

  it('never contains a clear name whose words have two letters or more (1,000 runs)', () => {
    const letters = [...'abcdefghijklmnopqrstuvwxyzéøæßçñüöäåłşğ山田太郎한국Ελληνικάкириллица'];
    const word = fc.string({ unit: fc.constantFrom(...letters), minLength: 2, maxLength: 12 });
    const name = fc.array(word, { minLength: 1, maxLength: 5 }).map((words) => words.join(' '));
    fc.assert(
      fc.property(name, (clear) => {
        const masked = maskValue('initials', clear);
        expect(masked).not.toContain(clear);
        expect(masked.split(' ')).toHaveLength(clear.split(' ').length);
        expect(masked).toMatch(/^(?:\S\. )*\S\.$/u);
      }),
      RUNS,
    );
  });
});

describe('city_country rule', () => {
  const address = (fields: Record<string, unknown>) =>
    JSON.stringify({
      line1: '12 Rue Exemple',
      line2: 'Bâtiment B',
      city: 'Lyon',
      postalCode: '69001',
      region: 'Rhône',
      country: 'FR',
      ...fields,
    });

  it.each([
    [address({}), 'Lyon, FR'],
    [address({ country: 'fr', city: '  Saint   Étienne ' }), 'Saint Étienne, FR'],
    [address({ city: '' }), 'FR'],
    [address({ city: null }), 'FR'],
    [address({ city: 42 }), 'FR'],
    [address({ city: 'x'.repeat(200) }), `${'x'.repeat(85)}, FR`],
  ])('%s → %s', (clear, masked) => {
    expect(maskValue('city_country', clear)).toBe(masked);
  });

  it.each([
    '',
    'not json',
    '12 Rue Exemple, 69001 Lyon, France',
    '"Lyon"',
    '[]',
    'null',
    address({ country: 'France' }),
    address({ country: undefined }),
    address({ country: 'F1' }),
    address({ line1: 'x'.repeat(5000) }),
  ])('redacts the malformed %j', (clear) => {
    expect(maskValue('city_country', clear)).toBe(REDACTED);
  });

  it('never shows the street lines or postal code (1,000 runs)', () => {
    const line = fc.string({ minLength: 4, maxLength: 40 });
    const shape = fc.record({
      line1: line,
      line2: line,
      city: fc.string({ minLength: 1, maxLength: 30 }),
      postalCode: fc.string({
        unit: fc.constantFrom(...'0123456789ABCDEF -'),
        minLength: 4,
        maxLength: 10,
      }),
      region: fc.string({ maxLength: 20 }),
      country: fc.constantFrom('FR', 'de', 'GB', 'us', 'JP', 'BR'),
    });
    fc.assert(
      fc.property(shape, (fields) => {
        const clear = JSON.stringify(fields);
        const masked = maskValue('city_country', clear);
        expect(masked).not.toContain(clear);
        expect(masked.endsWith(fields.country.toUpperCase())).toBe(true);
        for (const secret of [fields.line1, fields.line2, fields.postalCode]) {
          // Only a meaningful check when the secret is not also part of the city or country.
          const trimmed = secret.trim();
          if (trimmed.length < 4 || fields.city.includes(trimmed)) continue;
          expect(masked).not.toContain(trimmed);
        }
      }),
      RUNS,
    );
  });
});

describe('card rule', () => {
  it.each([
    ['visa', 'Visa'],
    ['VISA', 'Visa'],
    ['Master Card', 'Mastercard'],
    ['american_express', 'American Express'],
    ['4242', '•••• 4242'],
    ['12/30', '••/••'],
    ['01 / 2031', '••/••'],
    ['2031-01', '••/••'],
    ['4242 4242 4242 4242', '•••• 4242'],
    ['5555-5555-5555-4444', '•••• 4444'],
  ])('%s → %s', (clear, masked) => {
    expect(maskValue('card', clear)).toBe(masked);
  });

  it.each(['', 'My card', '424', '42424', '13/30', 'constructor', '__proto__', '1'.repeat(20)])(
    'redacts the malformed %j',
    (clear) => {
      expect(maskValue('card', clear)).toBe(REDACTED);
    },
  );

  it('shows no more than the last four digits of a full card number (1,000 runs)', () => {
    const pan = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 12, maxLength: 19 });
    fc.assert(
      fc.property(pan, (clear) => {
        const masked = maskValue('card', clear);
        expect(masked).not.toContain(clear);
        expect(masked).toBe(`•••• ${clear.slice(-4)}`);
      }),
      RUNS,
    );
  });

  it('never shows an expiry date (1,000 runs)', () => {
    const expiry = fc
      .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2020, max: 2099 }), fc.boolean())
      .map(([month, year, short]) => {
        const mm = String(month).padStart(2, '0');
        return short ? `${mm}/${String(year).slice(2)}` : `${mm}/${year}`;
      });
    fc.assert(
      fc.property(expiry, (clear) => {
        expect(maskValue('card', clear)).toBe('••/••');
      }),
      RUNS,
    );
  });
});

describe('every rule', () => {
  it('redact shows nothing at all', () => {
    expect(maskValue('redact', 'anything at all')).toBe(REDACTED);
    expect(maskValue('redact', '')).toBe(REDACTED);
  });

  it('never throws, and returns a string for any input (1,000 runs)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MASKING_RULES),
        fc.string({ unit: 'binary', maxLength: 300 }),
        (rule, value) => {
          expect(typeof maskValue(rule, value)).toBe('string');
        },
      ),
      RUNS,
    );
  });

  it('redacts a value of a wrong type or an unknown rule arriving through a cast', () => {
    for (const rule of MASKING_RULES) {
      expect(maskValue(rule, 42 as unknown as string)).toBe(REDACTED);
      expect(maskValue(rule, null as unknown as string)).toBe(REDACTED);
    }
    expect(maskValue('toString' as MaskingRule, 'jane@example.test')).toBe(REDACTED);
    expect(maskValue('nope' as MaskingRule, 'jane@example.test')).toBe(REDACTED);
  });

  it('never echoes a long value of another shape: free text is redacted (1,000 runs)', () => {
    // Text with letters and spaces is no email, phone, address or card; it is not a name
    // either when it holds a character no name holds.
    const text = fc.string({ minLength: 11, maxLength: 80 }).map((value) => `${value} #note`);
    fc.assert(
      fc.property(
        fc.constantFrom<MaskingRule>('email', 'phone', 'city_country', 'card', 'redact'),
        text,
        (rule, clear) => {
          const masked = maskValue(rule, clear);
          expect(masked).not.toContain(clear);
        },
      ),
      RUNS,
    );
  });
});
