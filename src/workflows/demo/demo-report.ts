import type { DemoReport } from './load-demo.js';

/** A few requests to start with, against the demo's URL and accounts. */
export function curlExamples(report: DemoReport): string[] {
  const { url, customer } = report;
  const admin = report.staff.find((login) => login.role === 'fulfilment') ?? report.staff[0];
  const json = (body: object) => `-H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
  return [
    `curl -s ${url}/store/products`,
    `curl -s ${url}/store/sessions ${json({ email: customer.email, password: customer.password })}`,
    `curl -s ${url}/store/orders -H "authorization: Bearer $CUSTOMER_TOKEN"`,
    `curl -s ${url}/store/me/access-history -H "authorization: Bearer $CUSTOMER_TOKEN"`,
    ...(admin === undefined
      ? []
      : [
          `curl -s ${url}/admin/sessions ${json({ email: admin.email, password: admin.password, totp: '<6-digit code>' })}`,
          `curl -s ${url}/admin/orders -H "authorization: Bearer $STAFF_TOKEN"`,
        ]),
  ];
}

/** The report as JSON for scripts: the same facts as the text, curl examples included. */
export function demoReportJson(report: DemoReport): string {
  return `${JSON.stringify({ ...report, curl: curlExamples(report) }, null, 2)}\n`;
}

/** The report as text for a person: where to go, who to log in as, what to try. */
export function demoReportText(report: DemoReport): string {
  const lines = [
    `Demo shop loaded: ${report.products} products, ${report.staff.length} staff accounts, ` +
      `${1 + report.otherCustomers.length} customers, ${report.orders.length} orders, ` +
      `${report.tickets} support ticket${report.tickets === 1 ? '' : 's'}.`,
    '',
    `URL: ${report.url}   (API docs: ${report.url}/docs)`,
    '',
    'Staff (POST /admin/sessions with email, password and a TOTP code from an authenticator',
    'app; add the otpauth URI to the app, or compute the code from the secret: docs/demo.md):',
  ];
  for (const login of report.staff) {
    lines.push(
      '',
      `  ${login.role}`,
      `    email:       ${login.email}`,
      `    password:    ${login.password}`,
      `    TOTP secret: ${login.totpSecret}`,
      `    otpauth URI: ${login.otpauthUri}`,
    );
  }
  lines.push(
    '',
    'Customer (POST /store/sessions with email and password):',
    `    email:       ${report.customer.email}`,
    `    password:    ${report.customer.password}`,
  );
  if (report.otherCustomers.length > 0) {
    lines.push(`    others with the same password: ${report.otherCustomers.join(', ')}`);
  }
  if (report.orders.length > 0) {
    lines.push('', 'Orders:');
    for (const order of report.orders) lines.push(`    ${order.number}  ${order.status}`);
  }
  lines.push('', 'Try:', ...curlExamples(report).map((line) => `    ${line}`));
  if (report.missing.length > 0) {
    lines.push('', 'Not loaded (this build does not serve them):');
    for (const gap of report.missing) lines.push(`    ${gap}`);
  }
  lines.push(
    '',
    'These passwords are shown once. The accounts are ordinary accounts: remove them before',
    'the shop goes live, or start from an empty data directory.',
    '',
  );
  return lines.join('\n');
}
