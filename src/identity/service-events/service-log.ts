import type { Kysely, Transaction } from 'kysely';
import { tablesOf } from '../../platform/db/index.js';
import { newId } from '../../platform/ids.js';
import { truncateIp } from '../../platform/logging/index.js';
import { auditActorId, auditActorRole, type Actor } from '../../privacy/access/index.js';
import type { AuditEvent, AuditSink } from '../../privacy/audit/index.js';
import type { Category } from '../../privacy/inventory/index.js';
import type { FieldWriter } from '../../privacy/vault/index.js';
import type {
  ServiceEventKind,
  ServiceEventTable,
  ServiceEventTables,
} from './service-events-migration.js';

/** The longest user agent kept, in characters; longer ones are cut (C1.3: nothing excessive). */
export const USER_AGENT_MAX_LENGTH = 512;

/** One act to record, with where it came from. */
export interface ServiceEventInput {
  readonly subjectId: string;
  /** Who acted: the account holder, or whoever tried to sign in as them. */
  readonly actor: Actor;
  readonly kind: ServiceEventKind;
  /** The full client address: only its IPv4 /24 or IPv6 /48 network is kept. */
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
  readonly occurredAt: Date;
  readonly requestId: string | null;
}

/** The user agent as kept: at most USER_AGENT_MAX_LENGTH characters, none when blank. */
export function keptUserAgent(userAgent: string | undefined): string | undefined {
  const trimmed = userAgent?.trim();
  if (trimmed === undefined || trimmed === '') return undefined;
  // Cut by code points, so a character outside the BMP is never split in half.
  const points = Array.from(trimmed);
  return points.length <= USER_AGENT_MAX_LENGTH
    ? trimmed
    : points.slice(0, USER_AGENT_MAX_LENGTH).join('');
}

/**
 * The service-interaction log (C1.3): sign-ins and other account acts with the truncated
 * network and the user agent, sealed under the account's key, each entry audited in the
 * transaction that writes it.
 */
export class ServiceLog {
  constructor(private readonly audit: AuditSink) {}

  /**
   * Writes one entry in the caller's transaction, with its `service_event.record` audit
   * event; `alongside` are audit events of the same act (the sign-in itself), written in
   * the same statement so that the act costs one commit. Returns the entry id.
   */
  async record<DB>(
    trx: Transaction<DB>,
    writer: FieldWriter,
    input: ServiceEventInput,
    alongside: readonly AuditEvent[] = [],
  ): Promise<string> {
    const id = newId('sev');
    const network = truncateIp(input.ip);
    const userAgent = keptUserAgent(input.userAgent);
    const row: ServiceEventTable = {
      id,
      subject_id: input.subjectId,
      kind: input.kind,
      ip_truncated:
        network === undefined ? null : writer.seal('service_events.ip_truncated', id, network),
      user_agent:
        userAgent === undefined ? null : writer.seal('service_events.user_agent', id, userAgent),
      occurred_at: input.occurredAt.getTime(),
    };
    await tablesOf<ServiceEventTables>(trx).insertInto('service_events').values(row).execute();
    const categories: Category[] = [];
    if (row.ip_truncated !== null) categories.push('service.network');
    if (row.user_agent !== null) categories.push('service.user_agent');
    await this.audit.record(
      [
        ...alongside,
        {
          occurredAt: input.occurredAt,
          actorId: auditActorId(input.actor),
          actorRole: auditActorRole(input.actor),
          action: 'service_event.record',
          purpose: 'risk_mitigation',
          subjectId: input.subjectId,
          categories,
          decision: 'none',
          requestId: input.requestId,
          outcome: 'success',
          detail: { serviceEvent: id, kind: input.kind },
        },
      ],
      trx,
    );
    return id;
  }
}

/** The newest entries of one subject, newest first. */
export async function recentServiceEvents(
  db: Kysely<ServiceEventTables>,
  subjectId: string,
  limit: number,
): Promise<ServiceEventTable[]> {
  return db
    .selectFrom('service_events')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
