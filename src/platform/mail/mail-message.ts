/** One plain-text email to one recipient. */
export interface MailMessage {
  /** A single bare address (`name@example.org`): no display name, no list. */
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** What the message is for, such as `email_verification`; names the file in the file sink. */
  readonly kind: string;
}

/** Where mail goes: SMTP in production, files in development. */
export interface Mailer {
  /** Delivers the message or throws an AppError (MAIL_MESSAGE_REFUSED, MAIL_DELIVERY_FAILED). */
  send(message: MailMessage): Promise<void>;
  /** Releases connections; the mailer is not used afterwards. */
  close(): Promise<void>;
}
