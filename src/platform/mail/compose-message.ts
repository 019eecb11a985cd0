import { createTransport } from 'nodemailer';
import type { MailMessage } from './mail-message.js';

// Nodemailer's stream transport builds the RFC 5322 message without sending it: the same
// MIME code as SMTP delivery, so the file sink shows what production would send.
const composer = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

/** Message options shared by every transport: plain text, UTF-8, no file or URL access. */
export function mailOptions(message: MailMessage, from: string, date?: Date) {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    textEncoding: 'quoted-printable' as const,
    // A message body never pulls in local files or remote URLs, whatever it contains.
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(date === undefined ? {} : { date }),
  };
}

/** The complete message (headers and body, CRLF line ends) as it would go over SMTP. */
export async function composeMessage(
  message: MailMessage,
  from: string,
  date: Date,
): Promise<Buffer> {
  const info = await composer.sendMail(mailOptions(message, from, date));
  const raw: unknown = info.message;
  if (!Buffer.isBuffer(raw)) throw new Error('The mail composer returned no buffer');
  return raw;
}
