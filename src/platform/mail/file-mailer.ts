import { pooledRandomBytes } from '../random-pool.js';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { composeMessage } from './compose-message.js';
import { deliveryFailed } from './delivery-error.js';
import type { Mailer, MailMessage } from './mail-message.js';
import { assertSafeMessage, assertSafeSender } from './message-guard.js';

/** Settings of the development file sink. */
export interface FileMailerOptions {
  /** The From header; defaults to a local address. */
  readonly from?: string | undefined;
  readonly clock?: Clock | undefined;
}

// ISO 8601 basic format (20260101T093000.123Z): sorts by time and, unlike the extended
// format's colons, is a valid file name everywhere.
const fileTime = (date: Date) => date.toISOString().replace(/[-:]/g, '');

/**
 * The development sink: each message becomes an RFC 5322 `.eml` file that any mail client
 * opens. Messages carry addresses and links, so the directory is 0700 and files 0600, and
 * each file appears whole or not at all (written aside, then renamed).
 */
export class FileMailer implements Mailer {
  readonly #dir: string;
  readonly #from: string;
  readonly #clock: Clock;
  #ready: Promise<unknown> | undefined;

  constructor(dir: string, options: FileMailerOptions = {}) {
    this.#dir = dir;
    this.#from = options.from ?? 'Custodia <custodia@localhost>';
    this.#clock = options.clock ?? systemClock;
    assertSafeSender(this.#from);
  }

  /** Writes the message to `<time>-<kind>-<random>.eml` and resolves once it is on disk. */
  async send(message: MailMessage): Promise<void> {
    assertSafeMessage(message);
    const now = this.#clock.now();
    const raw = await composeMessage(message, this.#from, now);
    const name = `${fileTime(now)}-${message.kind}-${pooledRandomBytes(6).toString('hex')}.eml`;
    try {
      this.#ready ??= mkdir(this.#dir, { recursive: true, mode: 0o700 });
      await this.#ready;
      await this.writeAtomically(name, raw);
    } catch (error) {
      this.#ready = undefined;
      throw deliveryFailed(error);
    }
  }

  private async writeAtomically(name: string, raw: Buffer): Promise<void> {
    // A dot-name a mail viewer or watcher skips, in the same directory so rename is atomic.
    const temp = join(this.#dir, `.${name}.tmp`);
    const file = await open(temp, 'wx', 0o600);
    try {
      await file.writeFile(raw);
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(temp, { force: true });
      throw error;
    }
    await file.close();
    await rename(temp, join(this.#dir, name));
  }

  /** Nothing to release: every send opens and closes its own file. */
  async close(): Promise<void> {}
}
