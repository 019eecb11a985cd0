export type { Mailer, MailMessage } from './mail-message.js';
export { mailErrors } from './mail-errors.js';
export { isPlainAddress } from './message-guard.js';
export { FileMailer } from './file-mailer.js';
export type { FileMailerOptions } from './file-mailer.js';
export { SmtpMailer } from './smtp-mailer.js';
export { createMailer } from './create-mailer.js';
export type { MailerOptions } from './create-mailer.js';
