import type { Transporter } from 'nodemailer';
import { mailOptions } from './compose-message.js';
import { deliveryFailed } from './delivery-error.js';
import type { Mailer, MailMessage } from './mail-message.js';
import { assertSafeMessage, assertSafeSender } from './message-guard.js';

/**
 * A Mailer over any nodemailer transporter: guards the headers, sends, and turns every
 * transport failure into MAIL_DELIVERY_FAILED without the server's text.
 */
export class TransportMailer implements Mailer {
  readonly #transporter: Transporter;
  readonly #from: string;

  constructor(transporter: Transporter, from: string) {
    assertSafeSender(from);
    this.#transporter = transporter;
    this.#from = from;
  }

  /** Hands the message to the transport; resolves when the server has accepted it. */
  async send(message: MailMessage): Promise<void> {
    assertSafeMessage(message);
    try {
      await this.#transporter.sendMail(mailOptions(message, this.#from));
    } catch (error) {
      throw deliveryFailed(error);
    }
  }

  /** Closes the transport's connections. */
  async close(): Promise<void> {
    this.#transporter.close();
  }
}
