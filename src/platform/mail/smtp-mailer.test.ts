// SmtpMailer against a minimal SMTP server on the loopback interface: a real delivery, a
// rejected recipient and a refused connection, the failures without the address.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../errors/index.js';
import { createMailer, FileMailer, SmtpMailer, type MailMessage } from './index.js';

interface Received {
  mailFrom: string;
  rcptTo: string[];
  data: string;
}

/**
 * Just enough of RFC 5321 for one client: EHLO without extensions (so no STARTTLS and no
 * AUTH), MAIL, RCPT (550 for addresses starting with "reject"), DATA, QUIT.
 */
function smtpServer(): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((socket: Socket) => {
    let buffer = '';
    let current: Received = { mailFrom: '', rcptTo: [], data: '' };
    let inData = false;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 localhost test ESMTP');
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buffer.slice(0, end + 2);
          buffer = buffer.slice(end + 5);
          inData = false;
          received.push(current);
          current = { mailFrom: '', rcptTo: [], data: '' };
          reply('250 2.0.0 queued');
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline < 0) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 localhost');
        else if (verb === 'MAIL') {
          current.mailFrom = line;
          reply('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          if (/<reject/i.test(line)) reply(`550 5.1.1 ${line.slice(8)}: no such user`);
          else {
            current.rcptTo.push(line);
            reply('250 2.1.5 ok');
          }
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'RSET') reply('250 ok');
        else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else reply('502 not implemented');
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({ server, port, received });
    });
  });
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => server.close(() => resolve()));

const message: MailMessage = {
  to: 'shopper@example.test',
  subject: 'Your order has shipped',
  text: 'Parcel on its way.\n',
  kind: 'order_shipped',
};
const FROM = 'Custodia Shop <shop@shop.example.test>';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function startMailer(): Promise<{ mailer: SmtpMailer; received: Received[] }> {
  const { server, port, received } = await smtpServer();
  const mailer = new SmtpMailer(`smtp://127.0.0.1:${port}`, FROM);
  cleanup.push(() => closeServer(server), () => mailer.close());
  return { mailer, received };
}

async function failure(work: () => Promise<unknown>): Promise<{ code: string; text: string; details: unknown }> {
  try {
    await work();
  } catch (error) {
    if (isAppError(error)) {
      return {
        code: error.code,
        details: error.details,
        text: `${error.message} ${JSON.stringify(error.details)} ${String(error.cause)}`,
      };
    }
    return { code: 'not an AppError', text: String(error), details: undefined };
  }
  return { code: 'no error', text: '', details: undefined };
}

describe('SmtpMailer', () => {
  it('delivers the message with the envelope and headers it names', async () => {
    const { mailer, received } = await startMailer();
    await mailer.send(message);
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail?.mailFrom).toMatch(/^MAIL FROM:<shop@shop\.example\.test>/i);
    expect(mail?.rcptTo).toEqual([expect.stringMatching(/^RCPT TO:<shopper@example\.test>/i)]);
    const data = mail?.data ?? '';
    expect(data).toMatch(/^From: Custodia Shop <shop@shop\.example\.test>\r$/m);
    expect(data).toMatch(/^To: shopper@example\.test\r$/m);
    expect(data).toMatch(/^Subject: Your order has shipped\r$/m);
    expect(data).toMatch(/^Message-ID: <[^>]+@shop\.example\.test>\r$/m);
    expect(data).toMatch(/^Content-Type: text\/plain; charset=utf-8\r$/m);
    expect(data).toContain('\r\n\r\nParcel on its way.\r\n');
  });

  it('turns a rejected recipient into MAIL_DELIVERY_FAILED without the address', async () => {
    const { mailer, received } = await startMailer();
    const outcome = await failure(() => mailer.send({ ...message, to: 'rejected.shopper@example.test' }));
    expect(outcome.code).toBe('MAIL_DELIVERY_FAILED');
    expect(outcome.details).toEqual({ reason: 'EENVELOPE', smtpStatus: 550 });
    expect(outcome.text).not.toContain('rejected.shopper');
    expect(outcome.text).not.toContain('example.test');
    expect(received).toHaveLength(0);
  });

  it('turns a refused connection into MAIL_DELIVERY_FAILED (503)', async () => {
    const { server, port } = await smtpServer();
    await closeServer(server); // the port is now free and nobody listens on it
    const mailer = new SmtpMailer(`smtp://127.0.0.1:${port}`, FROM);
    cleanup.push(() => mailer.close());
    try {
      await mailer.send(message);
      expect.unreachable('send must fail');
    } catch (error) {
      expect(isAppError(error) && error.status).toBe(503);
      expect(isAppError(error) && error.code).toBe('MAIL_DELIVERY_FAILED');
      expect(String(isAppError(error) && JSON.stringify(error.details))).not.toContain('shopper');
    }
  });

  it('refuses header injection before any connection is made', async () => {
    const { mailer, received } = await startMailer();
    const outcome = await failure(() =>
      mailer.send({ ...message, to: 'shopper@example.test\r\nBcc: intruder@example.test' }),
    );
    expect(outcome.code).toBe('MAIL_MESSAGE_REFUSED');
    expect(received).toHaveLength(0);
  });

  it('refuses a URL that is not smtp:// or smtps://', () => {
    expect(() => new SmtpMailer('http://127.0.0.1:25', FROM)).toThrow(RangeError);
  });
});

describe('createMailer', () => {
  it('chooses SMTP when a URL is set and the file sink otherwise', async () => {
    const smtp = createMailer({ smtpUrl: 'smtp://127.0.0.1:2525', mailDir: '/nonexistent', from: FROM });
    const file = createMailer({ mailDir: '/nonexistent', from: FROM });
    const blank = createMailer({ smtpUrl: '', mailDir: '/nonexistent', from: FROM });
    expect(smtp).toBeInstanceOf(SmtpMailer);
    expect(file).toBeInstanceOf(FileMailer);
    expect(blank).toBeInstanceOf(FileMailer);
    await Promise.all([smtp.close(), file.close(), blank.close()]);
  });
});
