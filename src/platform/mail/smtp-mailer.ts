import { createTransport } from 'nodemailer';
import { TransportMailer } from './transport-mailer.js';

// Nodemailer waits two minutes to connect and ten for a silent socket by default; a
// worker retrying through the outbox is better served by failing fast.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** Delivers over SMTP to the server an `smtp://` or `smtps://` URL names (settings in the URL win). */
export class SmtpMailer extends TransportMailer {
  constructor(url: string, from: string) {
    if (!/^smtps?:\/\//i.test(url)) throw new RangeError('The SMTP URL must start with smtp:// or smtps://');
    // No logger: nodemailer's debug output would carry addresses and message text.
    super(createTransport({ url, ...TIMEOUTS, logger: false, debug: false }), from);
  }
}
