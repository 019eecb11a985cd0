import { AppError } from '../../platform/errors/index.js';
import { isErased } from '../../privacy/vault/index.js';
import { authErrors } from '../auth/auth-errors.js';
import { passLoginGate } from '../auth/login-gate.js';
import { hashRecoveryCode, verifyTotp } from '../mfa/index.js';
import type { IssuedSession, Session } from '../sessions/index.js';
import { IP_LOGIN_POLICY, STAFF_LOGIN_POLICY } from '../throttle/index.js';
import type { StaffDeps } from './staff-deps.js';

/** What a staff member proves at login: password and a TOTP code or a recovery code. */
export interface StaffCredentials {
  readonly password: string;
  readonly totp?: string | undefined;
  readonly recoveryCode?: string | undefined;
}

interface Secrets {
  readonly id: string;
  readonly passwordHash: string;
  readonly totpSecret: string;
  readonly lastStep: number | null;
}

async function secretsOf(deps: StaffDeps, staffId: string): Promise<Secrets | undefined> {
  const row = await deps.db
    .selectFrom('staff')
    .select(['id', 'password_hash', 'totp_secret', 'totp_last_step', 'disabled_at'])
    .where('id', '=', staffId)
    .executeTakeFirst();
  if (row === undefined || row.disabled_at !== null) return undefined;
  if (row.password_hash === null || row.totp_secret === null) return undefined;
  const reader = await deps.vault.reader(staffId);
  const passwordHash = reader.open('staff.password_hash', staffId, row.password_hash);
  const totpSecret = reader.open('staff.totp_secret', staffId, row.totp_secret);
  if (isErased(passwordHash) || isErased(totpSecret)) return undefined;
  return { id: row.id, passwordHash, totpSecret, lastStep: row.totp_last_step };
}

/** Checks the second factor and burns it: a TOTP step or a recovery code is accepted once. */
async function checkSecondFactor(
  deps: StaffDeps,
  secrets: Secrets,
  credentials: StaffCredentials,
): Promise<boolean> {
  if (credentials.totp !== undefined) {
    const result = verifyTotp(secrets.totpSecret, credentials.totp, {
      at: deps.clock.now(),
      lastUsedStep: secrets.lastStep,
    });
    if (!result.ok) return false;
    // Conditional update: two logins racing with one code cannot both win.
    const updated = await deps.db
      .updateTable('staff')
      .set({ totp_last_step: result.step })
      .where('id', '=', secrets.id)
      .where((eb) =>
        eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', result.step)]),
      )
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }
  if (credentials.recoveryCode !== undefined) {
    const used = await deps.db
      .updateTable('staff_recovery_codes')
      .set({ used_at: deps.clock.now().getTime() })
      .where('staff_id', '=', secrets.id)
      .where('code_hash', '=', hashRecoveryCode(credentials.recoveryCode))
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(used.numUpdatedRows) === 1;
  }
  return false;
}

/**
 * Staff login: email, password and a second factor, all required before a session exists,
 * so every staff session has passed MFA. Ten failures lock the account for 30 minutes.
 */
export async function loginStaff(
  deps: StaffDeps,
  email: string,
  credentials: StaffCredentials,
  facts: { requestId: string; ip: string },
): Promise<IssuedSession> {
  const keys = [
    {
      key: `staff:${deps.vault.digest('staff.email', email).toString('hex')}`,
      policy: STAFF_LOGIN_POLICY,
    },
    { key: `ip:${facts.ip}`, policy: IP_LOGIN_POLICY },
  ];
  await passLoginGate(deps, keys, {
    requestId: facts.requestId,
    categories: ['staff.account', 'staff.credentials'],
  });
  const [match] = await deps.vault.lookup('staff.email', email);
  const secrets = match === undefined ? undefined : await secretsOf(deps, match.subjectId);
  const passwordOk =
    secrets === undefined
      ? await deps.hasher.verifyAgainstDummy(credentials.password)
      : await deps.hasher.verify(secrets.passwordHash, credentials.password);
  const ok =
    secrets !== undefined && passwordOk && (await checkSecondFactor(deps, secrets, credentials));
  const event = {
    occurredAt: deps.clock.now(),
    actorId: secrets?.id ?? 'anonymous',
    actorRole: secrets === undefined ? 'anonymous' : 'staff',
    action: 'session.create',
    purpose: 'account' as const,
    subjectId: secrets?.id ?? null,
    categories: ['staff.account' as const, 'staff.credentials' as const],
    decision: 'none' as const,
    requestId: facts.requestId,
  };
  if (!ok) {
    await deps.throttle.recordFailure(keys);
    await deps.audit.record([{ ...event, outcome: 'failure' }]);
    throw new AppError(authErrors.INVALID_CREDENTIALS);
  }
  await deps.throttle.recordSuccess(keys);
  // One durable commit for the session and its audit event.
  return deps.db.transaction().execute(async (trx) => {
    const issued = await deps.sessions.create('staff', secrets.id, trx);
    await deps.audit.record(
      [{ ...event, outcome: 'success', detail: { session: issued.session.id } }],
      trx,
    );
    return issued;
  });
}

/** Proves password and TOTP again for a sensitive act (ASVS 3.7.1). */
export async function reauthenticateStaff(
  deps: StaffDeps,
  session: Session,
  credentials: StaffCredentials,
): Promise<void> {
  // A stolen session must not become a way to guess the password: same lockout as login.
  const keys = [{ key: `staff-reauth:${session.accountId}`, policy: STAFF_LOGIN_POLICY }];
  await deps.throttle.assertAllowed(keys);
  const secrets = await secretsOf(deps, session.accountId);
  const ok =
    secrets !== undefined &&
    (await deps.hasher.verify(secrets.passwordHash, credentials.password)) &&
    (await checkSecondFactor(deps, secrets, credentials));
  if (!ok) {
    await deps.throttle.recordFailure(keys);
    throw new AppError(authErrors.INVALID_CREDENTIALS);
  }
  await deps.throttle.recordSuccess(keys);
  await deps.sessions.markReauthenticated(session.id);
}
