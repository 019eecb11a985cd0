import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { loadInstanceSecret, tablesOf } from '../../platform/db/index.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import {
  CSRF_SECRET_KEY,
  type AccountKind,
  type SessionTable,
  type SessionTables,
} from './sessions-migration.js';

/** How long sessions live. */
export interface SessionLifetimes {
  /** A session unused for this long ends (default 30 minutes). */
  readonly idleMs: number;
  /** A session ends this long after login, however active (default 12 hours). */
  readonly absoluteMs: number;
}

/** A live session, as the rest of the process sees it. */
export interface Session {
  readonly id: string;
  readonly accountKind: AccountKind;
  readonly accountId: string;
  readonly createdAt: Date;
  /** When the session ends if it stays in use. */
  readonly expiresAt: Date;
  readonly reauthenticatedAt: Date;
}

/** A new session and the only copy of its token. */
export interface IssuedSession {
  readonly session: Session;
  readonly token: string;
}

// Touching last_seen_at on every request would make every read a write; a minute of
// slack on a 30-minute idle timeout costs nothing.
const TOUCH_AFTER_MS = 60_000;

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function toSession(row: SessionTable, lifetimes: SessionLifetimes): Session {
  return {
    id: row.id,
    accountKind: row.account_kind,
    accountId: row.account_id,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(Math.min(row.expires_at, row.last_seen_at + lifetimes.idleMs)),
    reauthenticatedAt: new Date(row.reauthenticated_at),
  };
}

/**
 * Server-side sessions (ASVS V3): 128-bit random tokens kept only as hashes, idle and
 * absolute expiry, revocation on logout and password change. Shared by every app
 * instance on one database.
 */
export class SessionStore {
  readonly #csrfKey: Promise<Buffer>;

  constructor(
    private readonly db: Kysely<SessionTables>,
    private readonly clock: Clock,
    readonly lifetimes: SessionLifetimes,
  ) {
    this.#csrfKey = loadInstanceSecret(db, CSRF_SECRET_KEY);
    // The promise is awaited by every caller; this only keeps an early failure from
    // being reported as unhandled before the first of them runs.
    this.#csrfKey.catch(() => undefined);
  }

  /**
   * Starts a session: always a new id and token, so a planted token is never adopted.
   * Inside the caller's transaction when one is given (with the login's audit event).
   */
  async create<DB>(
    accountKind: AccountKind,
    accountId: string,
    trx?: Transaction<DB>,
  ): Promise<IssuedSession> {
    const token = randomBytes(16).toString('base64url');
    const now = this.clock.now().getTime();
    const row: SessionTable = {
      id: newId('ses'),
      token_hash: hashToken(token),
      account_kind: accountKind,
      account_id: accountId,
      created_at: now,
      last_seen_at: now,
      expires_at: now + this.lifetimes.absoluteMs,
      revoked_at: null,
      reauthenticated_at: now,
    };
    const target = trx === undefined ? this.db : tablesOf<SessionTables>(trx);
    await target.insertInto('sessions').values(row).execute();
    return { session: toSession(row, this.lifetimes), token };
  }

  /** The live session a token belongs to, or undefined when it is unknown, ended or revoked. */
  async authenticate(token: string): Promise<Session | undefined> {
    if (token.length === 0 || token.length > 64) return undefined;
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (row === undefined || row.revoked_at !== null) return undefined;
    const now = this.clock.now().getTime();
    if (now >= row.expires_at || now >= row.last_seen_at + this.lifetimes.idleMs) return undefined;
    if (now - row.last_seen_at >= TOUCH_AFTER_MS) {
      await this.db
        .updateTable('sessions')
        .set({ last_seen_at: now })
        .where('id', '=', row.id)
        .execute();
      row.last_seen_at = now;
    }
    return toSession(row, this.lifetimes);
  }

  /** Ends one session. */
  async revoke(sessionId: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ revoked_at: this.clock.now().getTime() })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Ends every session of an account, except perhaps the one making the change. */
  async revokeAll(accountKind: AccountKind, accountId: string, exceptId?: string): Promise<number> {
    let query = this.db
      .updateTable('sessions')
      .set({ revoked_at: this.clock.now().getTime() })
      .where('account_kind', '=', accountKind)
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null);
    if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Records that the holder proved who they are again, for sensitive acts. */
  async markReauthenticated(sessionId: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ reauthenticated_at: this.clock.now().getTime() })
      .where('id', '=', sessionId)
      .execute();
  }

  /** The anti-CSRF token of a session: a keyed HMAC of its id, so nothing more is stored. */
  async csrfToken(sessionId: string): Promise<string> {
    return createHmac('sha256', await this.#csrfKey)
      .update(sessionId)
      .digest('base64url');
  }

  /** True when `presented` is the session's anti-CSRF token (constant-time comparison). */
  async checkCsrfToken(sessionId: string, presented: string): Promise<boolean> {
    const expected = Buffer.from(await this.csrfToken(sessionId));
    const given = Buffer.from(presented);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Deletes sessions that ended more than a day ago; returns how many. */
  async purgeEnded(): Promise<number> {
    const cutoff = this.clock.now().getTime() - 86_400_000;
    const result = await this.db
      .deleteFrom('sessions')
      .where((eb) =>
        eb.or([
          eb('expires_at', '<', cutoff),
          eb('last_seen_at', '<', cutoff - this.lifetimes.idleMs),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
