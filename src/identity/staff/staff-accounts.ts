import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../privacy/access/index.js';
import { auditActorId, auditActorRole } from '../../privacy/access/index.js';
import { assertAcceptablePassword } from '../auth/password-rules.js';
import { newRecoveryCodes, newTotpSecret, totpUri } from '../mfa/index.js';
import type { StaffDeps } from './staff-deps.js';
import { staffErrors } from './staff-errors.js';

/** How long a set-up link works. */
export const SETUP_TTL_MS = 72 * 3_600_000;

/** What an admin or the CLI asks for. */
export interface NewStaff {
  readonly email: string;
  readonly roles: readonly string[];
  /** Set the password now (the CLI); otherwise a one-time set-up token is issued. */
  readonly password?: string | undefined;
}

/** Second-factor material, shown once. */
export interface Enrolment {
  readonly totpSecret: string;
  readonly otpauthUri: string;
  readonly recoveryCodes: readonly string[];
}

/** A created account and what its owner needs to start, shown once. */
export interface CreatedStaff {
  readonly id: string;
  readonly email: string;
  readonly roles: readonly string[];
  /** With a password: ready to log in. */
  readonly enrolment?: Enrolment;
  /** Without one: the link token to choose a password and enrol the authenticator. */
  readonly setup?: { readonly token: string; readonly expiresAt: Date };
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

function enrol(deps: StaffDeps, email: string): Enrolment & { hashes: readonly string[] } {
  const totpSecret = newTotpSecret();
  const { codes, hashes } = newRecoveryCodes();
  return {
    totpSecret,
    otpauthUri: totpUri({ secret: totpSecret, label: email, issuer: deps.issuer }),
    recoveryCodes: codes,
    hashes,
  };
}

/** What the owner is shown: the hashes stay in the database. */
function withoutHashes(enrolment: Enrolment): Enrolment {
  return {
    totpSecret: enrolment.totpSecret,
    otpauthUri: enrolment.otpauthUri,
    recoveryCodes: enrolment.recoveryCodes,
  };
}

/** Creates a staff account; staff emails are unique. Roles must exist. */
export async function createStaff(
  deps: StaffDeps,
  input: NewStaff,
  createdBy: Actor,
  requestId: string | null,
): Promise<CreatedStaff> {
  const known = new Set(deps.policy.roleNames());
  const unknown = input.roles.filter((role) => !known.has(role));
  if (unknown.length > 0 || input.roles.length === 0) {
    throw new AppError(staffErrors.ROLE_UNKNOWN, { details: { unknown, known: [...known] } });
  }
  if (input.password !== undefined) assertAcceptablePassword(input.password);
  if ((await deps.vault.lookup('staff.email', input.email)).length > 0) {
    throw new AppError(staffErrors.STAFF_EMAIL_TAKEN);
  }
  const id = newId('stf');
  // The data key is written by the transaction that writes the account (none on a lost race).
  const { writer, store: storeKey } = await deps.vault.newSubject(id);
  const now = deps.clock.now();
  const enrolment = input.password === undefined ? undefined : enrol(deps, input.email);
  const passwordHash =
    input.password === undefined ? undefined : await deps.hasher.hash(input.password);
  const setupToken =
    input.password === undefined ? randomBytes(32).toString('base64url') : undefined;
  const created = await deps.db.transaction().execute(async (trx) => {
    const taken = await deps.vault.lookupForUpdate(trx, 'staff.email', input.email);
    if (taken.length > 0) return false;
    await storeKey(trx);
    await trx
      .insertInto('staff')
      .values({
        id,
        email: writer.seal('staff.email', id, input.email),
        password_hash:
          passwordHash === undefined ? null : writer.seal('staff.password_hash', id, passwordHash),
        totp_secret:
          enrolment === undefined
            ? null
            : writer.seal('staff.totp_secret', id, enrolment.totpSecret),
        totp_last_step: null,
        roles: JSON.stringify([...input.roles].sort()),
        created_at: now.getTime(),
        updated_at: now.getTime(),
        disabled_at: null,
        setup_token_hash: setupToken === undefined ? null : sha256(setupToken),
        setup_expires_at: setupToken === undefined ? null : now.getTime() + SETUP_TTL_MS,
      })
      .execute();
    await deps.vault.index(trx, 'staff.email', { subjectId: id, rowId: id }, input.email);
    if (enrolment !== undefined) {
      await trx
        .insertInto('staff_recovery_codes')
        .values(enrolment.hashes.map((code_hash) => ({ staff_id: id, code_hash, used_at: null })))
        .execute();
    }
    await deps.audit.record(
      [
        {
          occurredAt: now,
          actorId: auditActorId(createdBy),
          actorRole: auditActorRole(createdBy),
          action: 'staff.create',
          purpose: 'account',
          subjectId: id,
          categories: ['staff.account', 'staff.credentials'],
          decision: 'none',
          requestId,
          outcome: 'success',
          detail: { roles: input.roles.join(',') },
        },
      ],
      trx,
    );
    return true;
  });
  if (!created) throw new AppError(staffErrors.STAFF_EMAIL_TAKEN);
  const base = { id, email: input.email, roles: [...input.roles] };
  if (enrolment !== undefined) {
    return { ...base, enrolment: withoutHashes(enrolment) };
  }
  return {
    ...base,
    setup: { token: setupToken ?? '', expiresAt: new Date(now.getTime() + SETUP_TTL_MS) },
  };
}

/** Completes set-up with the link token: sets the password and enrols the authenticator. */
export async function completeStaffSetup(
  deps: StaffDeps,
  token: string,
  password: string,
): Promise<Enrolment> {
  assertAcceptablePassword(password);
  const now = deps.clock.now().getTime();
  const row = await deps.db
    .selectFrom('staff')
    .select(['id', 'email', 'setup_expires_at'])
    .where('setup_token_hash', '=', sha256(token))
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  if (row === undefined || row.setup_expires_at === null || row.setup_expires_at <= now) {
    throw new AppError(staffErrors.SETUP_TOKEN_INVALID);
  }
  const reader = await deps.vault.reader(row.id);
  const email = reader.open('staff.email', row.id, row.email);
  const enrolment = enrol(deps, typeof email === 'string' ? email : row.id);
  const writer = await deps.vault.writer(row.id);
  const passwordHash = writer.seal('staff.password_hash', row.id, await deps.hasher.hash(password));
  const secret = writer.seal('staff.totp_secret', row.id, enrolment.totpSecret);
  const used = await deps.db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('staff')
      .set({
        password_hash: passwordHash,
        totp_secret: secret,
        totp_last_step: null,
        setup_token_hash: null,
        setup_expires_at: null,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .where('setup_token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await trx.deleteFrom('staff_recovery_codes').where('staff_id', '=', row.id).execute();
    await trx
      .insertInto('staff_recovery_codes')
      .values(enrolment.hashes.map((code_hash) => ({ staff_id: row.id, code_hash, used_at: null })))
      .execute();
    return true;
  });
  if (!used) throw new AppError(staffErrors.SETUP_TOKEN_INVALID);
  return withoutHashes(enrolment);
}

/** The roles of an active, set-up staff account; undefined otherwise. */
export async function activeStaffRoles(
  deps: Pick<StaffDeps, 'db'>,
  staffId: string,
): Promise<readonly string[] | undefined> {
  const row = await deps.db
    .selectFrom('staff')
    .select(['roles', 'disabled_at', 'totp_secret'])
    .where('id', '=', staffId)
    .executeTakeFirst();
  if (row === undefined || row.disabled_at !== null || row.totp_secret === null) return undefined;
  return JSON.parse(row.roles) as string[];
}
