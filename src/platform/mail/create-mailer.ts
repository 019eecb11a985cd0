import type { Clock } from '../clock.js';
import { FileMailer } from './file-mailer.js';
import type { Mailer } from './mail-message.js';
import { SmtpMailer } from './smtp-mailer.js';

/** What config says about mail. */
export interface MailerOptions {
  /** An `smtp://` or `smtps://` URL; absent means the development file sink. */
  readonly smtpUrl?: string | undefined;
  /** Where the file sink writes `.eml` files. */
  readonly mailDir: string;
  /** The From header of every message. */
  readonly from: string;
  readonly clock?: Clock | undefined;
}

/** SMTP when a URL is configured, otherwise `.eml` files in `mailDir`. */
export function createMailer(options: MailerOptions): Mailer {
  if (options.smtpUrl !== undefined && options.smtpUrl !== '') {
    return new SmtpMailer(options.smtpUrl, options.from);
  }
  return new FileMailer(options.mailDir, { from: options.from, clock: options.clock });
}
