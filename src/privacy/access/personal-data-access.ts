import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { AppError, isAppError } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids.js';
import type { AuditEvent, AuditSink } from '../audit/index.js';
import {
  CONSENT_PURPOSES,
  isPersonalFieldName,
  personalField,
  type Category,
  type PersonalFieldName,
  type Purpose,
} from '../inventory/index.js';
import { maskValue } from '../masking/index.js';
import { isErased, type Vault } from '../vault/index.js';
import { accessErrors } from './access-errors.js';
import type { AccessTables } from './access-migration.js';
import type { AccessDecision, AccessPolicy } from './access-policy.js';
import { auditActorId, auditActorRole } from './actor.js';
import type {
  AccessContext,
  ConsentCheck,
  FieldInput,
  FieldView,
  ReadContext,
  RevealReason,
} from './field-view.js';
import { checkRevealRequest } from './reveal-request.js';

/** What PersonalDataAccess is built from. */
export interface PersonalDataAccessOptions {
  readonly db: Kysely<AccessTables>;
  readonly vault: Vault;
  readonly policy: AccessPolicy;
  readonly audit: AuditSink;
  readonly clock: Clock;
  /** Without it, reads for a consent purpose (marketing) are always denied. */
  readonly consent?: ConsentCheck;
}

interface Permitted {
  readonly input: FieldInput;
  readonly decision: Exclude<AccessDecision, 'deny'>;
}

type EventFacts = Pick<AuditEvent, 'action' | 'categories' | 'decision' | 'outcome' | 'detail'>;

/** Categories of the declared fields among the inputs, each once. */
function categoriesOf(inputs: readonly FieldInput[]): Category[] {
  const declared = inputs.map((input) => input.field).filter(isPersonalFieldName);
  return [...new Set(declared.map((field) => personalField(field).category))];
}

/** The declared field names among inputs, each once. */
function declaredFieldNames(inputs: readonly FieldInput[]): PersonalFieldName[] {
  return [...new Set(inputs.map((input) => input.field).filter(isPersonalFieldName))];
}

/** The strongest view handed out: what the audit event says left the vault. */
function strongest(
  views: readonly FieldView[],
  permitted: number,
  requested: number,
): AuditEvent['decision'] {
  if (views.some((view) => view.view === 'clear')) return 'clear';
  if (views.some((view) => view.view === 'masked')) return 'masked';
  // Only erased or absent values: a decision was made, but no personal data left.
  if (permitted > 0 || requested === 0) return 'none';
  return 'deny';
}

/**
 * The read path for personal data (Principle 3): each field is decided by the access
 * policy, opened through the vault, masked where the decision says so, and the whole
 * read is audited before any value is returned. If the audit log cannot be written,
 * nothing is returned (fail closed).
 */
export class PersonalDataAccess {
  constructor(private readonly options: PersonalDataAccessOptions) {}

  /**
   * Reads fields of one subject as the actor may see them; denied fields are left out.
   * Records one audit event, then returns.
   */
  async read(
    ctx: ReadContext,
    subjectId: string,
    fields: readonly FieldInput[],
  ): Promise<readonly FieldView[]> {
    const consented = await this.#consented(subjectId, ctx.purpose);
    const permitted = fields.flatMap((input): Permitted[] => {
      const granted = consented
        ? this.options.policy.decide({ ...ctx, field: input.field, subjectId })
        : 'deny';
      if (granted === 'deny') return [];
      const decision = granted === 'clear' && ctx.ceiling === 'masked' ? 'masked' : granted;
      return [{ input, decision }];
    });
    const touched = permitted.length > 0 ? permitted.map((p) => p.input) : fields;
    const base = { action: ctx.action ?? 'personal_data.read', categories: categoriesOf(touched) };
    const views = await this.#openAudited(ctx, subjectId, permitted, base);
    await this.#record(ctx, subjectId, {
      ...base,
      decision: strongest(views, permitted.length, fields.length),
      outcome: permitted.length === 0 && fields.length > 0 ? 'denied' : 'success',
      detail: { permission: ctx.permission, requested: fields.length, returned: views.length },
    });
    return views;
  }

  /**
   * Shows masked fields in the clear to a staff member whose roles allow revealing every
   * one of them for the purpose, with a reason. The reveal is stored (the reason sealed
   * under the subject's key) and audited in one transaction before the values return.
   */
  async reveal(
    ctx: AccessContext,
    subjectId: string,
    fields: readonly FieldInput[],
    reason: RevealReason,
  ): Promise<readonly FieldView[]> {
    checkRevealRequest(fields, reason);
    const action = ctx.action ?? 'personal_data.reveal';
    const { actor, purpose } = ctx;
    const refused = fields.filter(
      (input) => !this.options.policy.mayReveal(actor, input.field, purpose),
    );
    const consented = await this.#consented(subjectId, purpose);
    if (actor.kind !== 'staff' || refused.length > 0 || !consented) {
      const denied = consented ? refused : fields;
      await this.#record(ctx, subjectId, {
        action,
        categories: categoriesOf(denied),
        decision: 'deny',
        outcome: 'denied',
        detail: { requested: fields.length, denied: denied.length },
      });
      const names = declaredFieldNames(denied);
      // Names from the inventory only: an undeclared name came from the caller and is counted.
      const undeclared = denied.filter((input) => !isPersonalFieldName(input.field)).length;
      throw new AppError(accessErrors.REVEAL_DENIED, { details: { fields: names, undeclared } });
    }
    // The key is fetched before the transaction (the vault's rule for writers); an erased
    // subject stops here with SUBJECT_ERASED, before anything is opened.
    const writer = await this.options.vault.writer(subjectId);
    const permitted = fields.map((input): Permitted => ({ input, decision: 'clear' }));
    const base = { action, categories: categoriesOf(fields) };
    const views = await this.#openAudited(ctx, subjectId, permitted, base);
    const id = newId('rvl');
    const now = this.options.clock.now();
    await this.options.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('access_reveals')
        .values({
          id,
          subject_id: subjectId,
          staff_id: actor.id,
          fields: JSON.stringify(declaredFieldNames(fields)),
          purpose,
          ticket_id: reason.ticketId ?? null,
          reason: writer.seal('access_reveals.reason', id, reason.text),
          revealed_at: now.getTime(),
        })
        .execute();
      const detail = {
        revealId: id,
        requested: fields.length,
        ...(reason.ticketId === undefined ? {} : { ticketId: reason.ticketId }),
      };
      await this.#record(
        ctx,
        subjectId,
        {
          ...base,
          decision: strongest(views, fields.length, fields.length),
          outcome: 'success',
          detail,
        },
        trx,
      );
    });
    return views;
  }

  async #consented(subjectId: string, purpose: Purpose): Promise<boolean> {
    if (!CONSENT_PURPOSES.includes(purpose)) return true;
    // Without a ledger there is no proof of consent, so there is no consent (C1.2).
    return (await this.options.consent?.isGranted(subjectId, purpose)) ?? false;
  }

  /** Opens and masks; a failure to open is audited as a failure before it propagates. */
  async #openAudited(
    ctx: AccessContext,
    subjectId: string,
    permitted: readonly Permitted[],
    base: Pick<AuditEvent, 'action' | 'categories'>,
  ): Promise<FieldView[]> {
    try {
      return await this.#open(subjectId, permitted);
    } catch (error) {
      const code = isAppError(error) ? error.code : 'INTERNAL_ERROR';
      await this.#record(ctx, subjectId, {
        ...base,
        decision: 'none',
        outcome: 'failure',
        detail: { code },
      }).catch(
        // The original failure is the one worth reporting; nothing was returned either way.
        () => undefined,
      );
      throw error;
    }
  }

  async #open(subjectId: string, permitted: readonly Permitted[]): Promise<FieldView[]> {
    const needsKey = permitted.some(({ input }) => input.sealed !== null);
    const reader = needsKey ? await this.options.vault.reader(subjectId) : undefined;
    return permitted.map(({ input, decision }): FieldView => {
      const { field, rowId, sealed } = input;
      if (sealed === null || reader === undefined) return { field, rowId, view: 'absent' };
      const value = reader.open(field, rowId, sealed);
      if (isErased(value)) return { field, rowId, view: 'erased' };
      return decision === 'clear'
        ? { field, rowId, view: 'clear', value }
        : { field, rowId, view: 'masked', value: maskValue(personalField(field).mask, value) };
    });
  }

  /** Writes one audit event; any failure but a refused event becomes AUDIT_UNAVAILABLE. */
  async #record<DB>(
    ctx: AccessContext,
    subjectId: string,
    facts: EventFacts,
    trx?: Transaction<DB>,
  ): Promise<void> {
    const event: AuditEvent = {
      occurredAt: this.options.clock.now(),
      actorId: auditActorId(ctx.actor),
      actorRole: auditActorRole(ctx.actor),
      purpose: ctx.purpose,
      subjectId,
      requestId: ctx.requestId,
      ...facts,
    };
    try {
      await this.options.audit.record([event], trx);
    } catch (error) {
      // A refused event is a bug to fix, not an outage: keep its own code.
      if (isAppError(error) && error.code === 'AUDIT_EVENT_INVALID') throw error;
      throw new AppError(accessErrors.AUDIT_UNAVAILABLE, { cause: error });
    }
  }
}
