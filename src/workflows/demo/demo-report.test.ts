import { describe, expect, it } from 'vitest';
import { curlExamples, demoReportJson, demoReportText } from './demo-report.js';
import type { DemoReport } from './load-demo.js';

const report: DemoReport = {
  url: 'http://127.0.0.1:3000',
  staff: [
    {
      role: 'fulfilment',
      id: 'stf_1',
      email: 'fulfilment.ab12@example.test',
      password: 'pw-fulfilment',
      totpSecret: 'SECRETSECRETSECRET',
      otpauthUri: 'otpauth://totp/Custodia:x?secret=SECRETSECRETSECRET',
    },
  ],
  customer: { email: 'ada.ab12@example.test', password: 'pw-customer' },
  otherCustomers: ['bruno.ab12@example.test'],
  products: 5,
  orders: [{ number: 'AB12C-DE34F', status: 'paid' }],
  tickets: 1,
  missing: ['order X (refunded): POST /admin/orders/:id/refunds not served'],
};

describe('demo report', () => {
  it('prints the URL, every staff login with its TOTP secret, a customer login and what is missing', () => {
    const text = demoReportText(report);
    expect(text).toMatch(
      /^Demo shop loaded: 5 products, 1 staff accounts, 2 customers, 1 orders, 1 support ticket\./,
    );
    for (const value of [
      'URL: http://127.0.0.1:3000',
      '  fulfilment',
      'fulfilment.ab12@example.test',
      'pw-fulfilment',
      'TOTP secret: SECRETSECRETSECRET',
      'otpauth://totp/',
      'ada.ab12@example.test',
      'pw-customer',
      'others with the same password: bruno.ab12@example.test',
      'AB12C-DE34F  paid',
      'curl -s http://127.0.0.1:3000/store/products',
      'Not loaded',
      'POST /admin/orders/:id/refunds not served',
    ]) {
      expect(text).toContain(value);
    }
  });

  it('prints the same as JSON, with the curl examples', () => {
    const json = JSON.parse(demoReportJson(report)) as DemoReport & { curl: string[] };
    expect(json).toEqual({ ...report, curl: curlExamples(report) });
    expect(json.curl.join('\n')).toContain('"email":"ada.ab12@example.test"');
  });
});
