import { AppError } from '../errors/index.js';
import { mailErrors } from './mail-errors.js';
import type { MailMessage } from './mail-message.js';

// Control characters (CR and LF above all) and Unicode line or paragraph separators: any of
// them in a header could start a new header (Bcc: …) or a new recipient. Nodemailer turns
// "a@x\r\nBcc: b@y" into a group that delivers to b@y, so the guard must come first.
const UNSAFE_IN_HEADER = /[\p{Cc}\p{Zl}\p{Zp}]/u;
// One addr-spec with no display name, comment, quoting, group or list syntax; Unicode is
// allowed (SMTPUTF8), whitespace and the RFC 5322 specials that build lists are not.
const LOCAL_OR_DOMAIN = String.raw`[^\s@<>()\[\],;:"\\\p{Cc}]+`;
const ADDRESS = new RegExp(`^${LOCAL_OR_DOMAIN}@${LOCAL_OR_DOMAIN}$`, 'u');
const SENDER = new RegExp(`^(?:[^<>\\p{Cc}]*<${LOCAL_OR_DOMAIN}@${LOCAL_OR_DOMAIN}>|${LOCAL_OR_DOMAIN}@${LOCAL_OR_DOMAIN})$`, 'u');
const KIND = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_ADDRESS = 254;
const MAX_SUBJECT = 250;

/** True when the value is one plain address that is safe to put in a To header. */
export function isPlainAddress(value: string): boolean {
  return value.length <= MAX_ADDRESS && ADDRESS.test(value);
}

function refuse(field: 'to' | 'subject' | 'kind'): AppError {
  // The field's name only: the value may be the very address this error must not carry.
  return new AppError(mailErrors.MAIL_MESSAGE_REFUSED, { details: { field } });
}

/** Throws MAIL_MESSAGE_REFUSED unless every header value is safe (header injection guard). */
export function assertSafeMessage(message: MailMessage): void {
  if (!isPlainAddress(message.to)) throw refuse('to');
  if (message.subject.length > MAX_SUBJECT || UNSAFE_IN_HEADER.test(message.subject)) {
    throw refuse('subject');
  }
  if (!KIND.test(message.kind)) throw refuse('kind');
}

/** Throws unless `from` is `addr` or `Display Name <addr>` without control characters. */
export function assertSafeSender(from: string): void {
  if (from.length > 320 || UNSAFE_IN_HEADER.test(from) || !SENDER.test(from)) {
    throw new RangeError('The mail sender must be one address, optionally with a display name');
  }
}
