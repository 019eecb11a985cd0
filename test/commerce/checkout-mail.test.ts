// After checkouts by a guest and a customer: the order confirmation is mailed once the
// outbox drains, with the number, lines and totals and no card data, as a disclosure to
// the mail processor that is audited (C3.4); and no name, email, address, phone, token or
// card number is found in plaintext in the data directory, the database or the logs (C2.1,
// C2.5). The mail itself is written to the mail directory, outside the data directory.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shredJournalPath } from '../../src/privacy/kernel/index.js';
import { tablesOf } from '../../src/platform/db/index.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import { bearer, registerCustomer, sentMail } from '../helpers/identity.js';
import { assertNoLeaks, scanForMarkers, uniqueMarker } from '../helpers/leak-scan.js';
import { createTestApp } from '../helpers/test-app.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';
import {
  CARDS,
  checkoutForm,
  createProduct,
  newCart,
  postCheckout,
  tokenFor,
} from '../helpers/shop.js';

/** The message as a reader sees it: quoted-printable soft breaks joined, escapes decoded. */
function decoded(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const escape = /^=([0-9A-F]{2})/.exec(joined.slice(i, i + 3));
    if (escape?.[1] !== undefined) {
      bytes.push(parseInt(escape[1], 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

interface Placed {
  orderId: string;
  number: string;
}

describeEachEngine(
  'C3.4 C2.1 C2.5 order confirmation mail and leak scan after checkout',
  (engine) => {
    let store: TestStore;
    let logs = '';
    let keyring = '';
    let token = '';
    const markers: string[] = [];
    const placed: Placed[] = [];
    let mails: { file: string; text: string }[] = [];
    let disclosures: {
      action: string;
      actor_id: string;
      categories: string;
      subject_id: string | null;
    }[] = [];
    let delivered = 0;

    beforeAll(async () => {
      store = await createTestStore(engine);
      const t = await createTestApp(engine, { store, env: { CUSTODIA_TAX_RATES: 'FR=20' } });
      try {
        keyring = t.config.keyringPath;
        const [shirt = ''] = await createProduct(t, [
          { title: 'Blue / M', priceMinor: 4500, stock: 50 },
        ]);
        token = await tokenFor(t, CARDS.visa);
        const customer = await registerCustomer(t.app, { name: `Reg ${uniqueMarker('regname')}` });
        for (const shopper of [undefined, customer]) {
          const name = uniqueMarker('name');
          const email = `${uniqueMarker('email')}@example.test`;
          const line1 = `${uniqueMarker('street')} 12`;
          const city = uniqueMarker('city');
          const postalCode = uniqueMarker('zip').slice(0, 20);
          const billing = uniqueMarker('billing');
          markers.push(name, email, line1, city, postalCode, billing);
          const form = checkoutForm(token, {
            name,
            email,
            phone: '+33 4 72 98 76 54',
            shippingAddress: { line1, city, postalCode, country: 'FR' },
            billingAddress: { line1: billing, city: 'Paris', postalCode: '75001', country: 'FR' },
            consents: { marketing: true },
          });
          const cartId = await newCart(t, [{ variantId: shirt, quantity: 2 }], shopper);
          const reply = await postCheckout(t, cartId, form, shopper);
          if (reply.statusCode !== 201) throw new Error(`checkout: ${reply.body}`);
          placed.push(reply.json<Placed>());
        }
        // The owner reads their order in the clear: the answer is not at rest anywhere.
        const own = await t.app.inject({
          url: `/store/orders/${placed[1]?.orderId ?? ''}`,
          headers: bearer(customer),
        });
        if (own.statusCode !== 200) throw new Error(own.body);
        delivered = await t.app.commerce.services.outbox.drain();
        mails = sentMail(store.mailDir)
          .filter((mail) => mail.file.includes('order_confirmation'))
          .map((mail) => ({ file: mail.file, text: decoded(mail.text) }));
        disclosures = await tablesOf<AuditTables>(t.database.db)
          .selectFrom('audit_events')
          .select(['action', 'actor_id', 'categories', 'subject_id'])
          .where('action', '=', 'disclosure.mail')
          .execute();
      } finally {
        await t.close();
        logs = t.logs.text();
      }
    });
    afterAll(async () => store.cleanup());

    it('mails one confirmation per order with its number, lines and totals, and no card data', () => {
      expect(delivered).toBeGreaterThanOrEqual(0);
      expect(mails).toHaveLength(2);
      for (const order of placed) {
        const mail = mails.find((candidate) => candidate.text.includes(order.number));
        expect(mail, order.number).toBeDefined();
        const text = mail?.text ?? '';
        expect(text).toContain(`Your order ${order.number}`);
        expect(text).toContain('2 × Linen shirt (Blue / M), SKU-');
        expect(text).toContain('Subtotal: 90.00 EUR');
        expect(text).toContain('Tax: 18.00 EUR');
        expect(text).toContain('Total: 108.00 EUR');
        for (const card of ['4242', 'Visa', 'visa', token.slice(0, 24), 'tok_']) {
          expect(text, card).not.toContain(card);
        }
      }
    });

    it('sends each mail to the order’s contact, addressed by the order’s name, not the account’s', () => {
      const [guestName, guestEmail] = markers;
      const guestMail = mails.find((mail) => mail.text.includes(placed[0]?.number ?? '-'));
      expect(guestMail?.text).toContain(`To: ${guestEmail ?? '-'}`);
      expect(guestMail?.text).toContain(`Hello ${guestName ?? '-'}`);
      const customerMail = mails.find((mail) => mail.text.includes(placed[1]?.number ?? '-'));
      expect(customerMail?.text).not.toContain('Reg mk-');
    });

    it('audits each mail as a disclosure of the order contact to the mail processor', () => {
      expect(disclosures).toHaveLength(2);
      for (const event of disclosures) {
        expect(event).toMatchObject({ actor_id: 'system:mailer', categories: '["order.contact"]' });
      }
    });

    it('finds no name, email, address, token or card number at rest or in the logs', async () => {
      expect(logs.length).toBeGreaterThan(0);
      const findings = await scanForMarkers({
        markers: [...markers, token, CARDS.visa],
        dataDir: store.dataDir,
        exclude: [keyring, shredJournalPath(keyring)],
        logs,
        ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
      });
      assertNoLeaks(findings);
    });

    it('control: the same scan finds the markers in the mail directory, where mail is meant to be', async () => {
      const findings = await scanForMarkers({
        markers: markers.slice(0, 2),
        dataDir: store.mailDir,
      });
      expect(findings.map((finding) => finding.marker)).toEqual(
        expect.arrayContaining(markers.slice(0, 2)),
      );
    });
  },
);
