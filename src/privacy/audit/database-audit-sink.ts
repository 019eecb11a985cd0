import type { Insertable, Kysely, Transaction } from 'kysely';
import { deferUntilCommit, fixedQuery, type CommitDeferral } from '../../platform/db/index.js';
import { WriteGroups } from '../../platform/write-groups.js';
import { assertAuditEvent, type AuditEvent } from './audit-event.js';
import type { AuditEventsTable, AuditTables } from './audit-migration.js';
import type { AuditSink } from './audit-sink.js';

type Row = Insertable<AuditEventsTable>;

/** Events in one statement: built once per number of rows, then bound. */
const insertEvents = fixedQuery((db: Kysely<AuditTables>, args: { rows: Row[] }) =>
  db.insertInto('audit_events').values(args.rows),
);

/** The row an event is stored as: every column it is sealed with but the id and seal. */
function toRow(event: AuditEvent): Row {
  return {
    occurred_at: event.occurredAt.getTime(),
    actor_id: event.actorId,
    actor_role: event.actorRole,
    action: event.action,
    purpose: event.purpose,
    subject_id: event.subjectId,
    // Deduplicated and in a stable order, so the same access always reads the same.
    categories: JSON.stringify([...new Set(event.categories)].sort()),
    decision: event.decision,
    request_id: event.requestId,
    outcome: event.outcome,
    detail: event.detail === undefined ? null : JSON.stringify(event.detail),
  };
}

// SQLite binds at most 32,766 parameters per statement; 11 columns a row.
const ROWS_PER_INSERT = 1000;

/**
 * Writes audit events to `audit_events`, in the caller's transaction when one is given:
 * the events a transaction records are written together, in one statement, as it commits,
 * so they stand or fall with what it changed. Otherwise events of concurrent requests are
 * group-committed: whatever arrives while one write commits goes into the next, so a busy
 * server pays one durable commit for many reads. Each caller still waits until its own
 * events are committed (fail closed).
 */
export class DatabaseAuditSink implements AuditSink {
  /** Events recorded outside a transaction: each caller's rows, written in groups. */
  readonly #groups = new WriteGroups<readonly Row[]>(async (batches) => {
    const rows = batches.flat();
    // One statement is atomic on its own: a transaction is needed only for several.
    if (rows.length <= ROWS_PER_INSERT) await deferUntilCommit(this.db, this.#writer, rows);
    else await this.db.transaction().execute((trx) => deferUntilCommit(trx, this.#writer, rows));
    return batches.map(() => undefined);
  });
  readonly #listeners = new Set<(count: number) => void>();
  /** Inserts rows, at most ROWS_PER_INSERT a statement, and tells the listeners. */
  readonly #writer: CommitDeferral<Row> = {
    flush: async (rows, execute) => {
      for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
        await execute(
          insertEvents.bind(this.db, { rows: rows.slice(start, start + ROWS_PER_INSERT) }),
        );
      }
      this.#announce(rows.length);
    },
  };

  constructor(private readonly db: Kysely<AuditTables>) {}

  /**
   * Calls `listener` with the number of events after each write, so the sealer can run
   * once enough are waiting; returns the function that removes it.
   */
  onRecorded(listener: (count: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #announce(count: number): void {
    // A listener is a hint to seal sooner; its failure must not fail the write.
    for (const listener of this.#listeners) {
      try {
        listener(count);
      } catch {
        // ignored: the sealer also runs on its own timer
      }
    }
  }

  /** Validates every event first, so a batch is written whole or not at all. */
  async record<DB>(events: readonly AuditEvent[], trx?: Transaction<DB>): Promise<void> {
    if (events.length === 0) return;
    for (const event of events) assertAuditEvent(event);
    const rows = events.map(toRow);
    if (trx !== undefined) {
      await deferUntilCommit(trx, this.#writer, rows);
      return;
    }
    await this.#groups.add(rows);
  }
}
