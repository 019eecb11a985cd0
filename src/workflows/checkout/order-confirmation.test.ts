// The confirmation text: number, lines and totals in the shop's currency, nothing else.
import { describe, expect, it } from 'vitest';
import { AccessPolicy } from '../../privacy/access/index.js';
import { confirmationText, formatMoney } from './order-confirmation.js';

describe('the mailer’s access', () => {
  // The handler opens the contact through the vault and audits a disclosure because the
  // access engine gives background processes nothing; should that change, the handler
  // should read through the engine instead.
  it('is refused by the access policy, so the handler discloses through the vault itself', () => {
    const policy = new AccessPolicy();
    for (const field of ['orders.contact_email', 'orders.contact_name'] as const) {
      const decision = policy.decide({
        actor: { kind: 'system', name: 'mailer' },
        permission: 'self',
        field,
        purpose: 'order_fulfilment',
        subjectId: 'sub_00000000000000000000000000',
      });
      expect(decision, field).toBe('deny');
    }
  });
});

describe('order confirmation text', () => {
  it('formats minor units with the currency’s own decimals', () => {
    expect(formatMoney(12240, 'EUR')).toBe('122.40 EUR');
    expect(formatMoney(5, 'EUR')).toBe('0.05 EUR');
    expect(formatMoney(1500, 'JPY')).toBe('1500 JPY');
    expect(formatMoney(12345, 'KWD')).toBe('12.345 KWD');
  });

  it('lists number, lines and totals, and greets by the order’s name', () => {
    const text = confirmationText(
      {
        id: 'ord_x',
        number: 'K7Q4M-9XW2H',
        subjectId: 'sub_x',
        customerId: null,
        status: 'paid',
        currency: 'EUR',
        subtotalMinor: 10200,
        taxMinor: 2040,
        totalMinor: 12240,
        refundedMinor: 0,
        shippingCountry: 'FR',
        lines: [
          {
            variantId: 'var_a',
            productTitle: 'Linen shirt',
            variantTitle: 'Blue / M',
            sku: 'LS-BLU-M',
            quantity: 2,
            unitPriceMinor: 4500,
            lineTotalMinor: 9000,
          },
        ],
        createdAt: new Date('2026-03-01T10:00:00Z'),
        updatedAt: new Date('2026-03-01T10:00:00Z'),
      },
      'Sam Example',
    );
    expect(text).toContain('Hello Sam Example,');
    expect(text).toContain('order K7Q4M-9XW2H, placed on 2026-03-01');
    expect(text).toContain('2 × Linen shirt (Blue / M), LS-BLU-M: 90.00 EUR');
    expect(text).toContain('Total: 122.40 EUR');
  });
});
