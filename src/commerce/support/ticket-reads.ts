import type { FieldInput, FieldView, ReadContext } from '../../privacy/access/index.js';
import type { PersonalFieldName } from '../../privacy/inventory/index.js';
import type { SupportDeps } from './support-deps.js';
import type { MessageAuthorKind, TicketTable } from './support-migration.js';
import { messagesOf } from './ticket-store.js';
import { toRecord, type TicketRecord } from './ticket-records.js';

/** A field as its reader may see it: the value (clear or masked), or why there is none. */
export type ShownField =
  | { readonly view: 'clear' | 'masked'; readonly value: string }
  | { readonly view: 'erased' | 'absent' };

/** A ticket with its subject as the reader may see it; left out when denied. */
export interface TicketView extends TicketRecord {
  readonly subject?: ShownField;
}

/** A message with its body as the reader may see it; left out when denied. */
export interface MessageView {
  readonly id: string;
  readonly authorKind: MessageAuthorKind;
  readonly authorId: string;
  readonly body?: ShownField;
  readonly createdAt: Date;
}

/** A ticket and its conversation, oldest message first. */
export interface TicketDetail extends TicketView {
  readonly messages: readonly MessageView[];
}

/** Caps a read at masked when the record says so, leaving the grant alone otherwise. */
function capped(ctx: ReadContext, ceiling: 'masked' | undefined): ReadContext {
  return ceiling === undefined ? ctx : { ...ctx, ceiling };
}

function shownOf(
  views: readonly FieldView[],
  field: PersonalFieldName,
  rowId: string,
): { shown?: ShownField } {
  const view = views.find((candidate) => candidate.field === field && candidate.rowId === rowId);
  if (view === undefined) return {};
  return {
    shown:
      view.view === 'clear' || view.view === 'masked'
        ? { view: view.view, value: view.value }
        : { view: view.view },
  };
}

function withSubject(row: TicketTable, views: readonly FieldView[]): TicketView {
  const { shown } = shownOf(views, 'tickets.subject', row.id);
  return shown === undefined ? toRecord(row) : { ...toRecord(row), subject: shown };
}

const subjectInput = (row: TicketTable): FieldInput => ({
  field: 'tickets.subject',
  rowId: row.id,
  sealed: row.subject,
});

/**
 * A ticket and its messages through the access engine (one audited `ticket.read`);
 * `ceiling` masks everything for a reader who is not the ticket's assignee.
 */
export async function readTicket(
  deps: SupportDeps,
  ctx: ReadContext,
  row: TicketTable,
  ceiling?: 'masked',
): Promise<TicketDetail> {
  const messages = await messagesOf(deps.db, row.id);
  const views = await deps.access.read(
    capped({ ...ctx, action: 'ticket.read' }, ceiling),
    row.customer_id,
    [
      subjectInput(row),
      ...messages.map((message): FieldInput => ({
        field: 'ticket_messages.body',
        rowId: message.id,
        sealed: message.body,
      })),
    ],
  );
  return {
    ...withSubject(row, views),
    messages: messages.map((message) => {
      const { shown } = shownOf(views, 'ticket_messages.body', message.id);
      const base = {
        id: message.id,
        authorKind: message.author_kind,
        authorId: message.author_id,
        createdAt: new Date(message.created_at),
      };
      return shown === undefined ? base : { ...base, body: shown };
    }),
  };
}

/**
 * Subjects of a page of tickets through the access engine: one audited `ticket.list`
 * per customer and ceiling, so the log says whose data each list showed.
 */
export async function viewTickets(
  deps: SupportDeps,
  ctx: ReadContext,
  rows: readonly TicketTable[],
  ceilingFor: (row: TicketTable) => 'masked' | undefined = () => undefined,
): Promise<TicketView[]> {
  const groups = new Map<string, { customerId: string; ceiling?: 'masked'; rows: TicketTable[] }>();
  for (const row of rows) {
    const ceiling = ceilingFor(row);
    const key = `${row.customer_id}|${ceiling ?? ''}`;
    const group = groups.get(key) ?? {
      customerId: row.customer_id,
      ...(ceiling === undefined ? {} : { ceiling }),
      rows: [],
    };
    group.rows.push(row);
    groups.set(key, group);
  }
  const views: FieldView[] = [];
  for (const group of groups.values()) {
    const read = await deps.access.read(
      capped({ ...ctx, action: 'ticket.list' }, group.ceiling),
      group.customerId,
      group.rows.map(subjectInput),
    );
    views.push(...read);
  }
  return rows.map((row) => withSubject(row, views));
}
