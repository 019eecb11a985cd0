import type { ReadContext } from '../../privacy/access/index.js';
import type { StaffDeps } from './staff-deps.js';

/** A staff account as the staff list shows it. */
export interface StaffListItem {
  readonly id: string;
  readonly roles: string[];
  /** Masked, clear or null, as the reader's role allows. */
  readonly email: string | null;
  readonly active: boolean;
  readonly createdAt: string;
}

/** Every staff account (a shop has few), each email read through the access engine. */
export async function listStaff(deps: StaffDeps, context: ReadContext): Promise<StaffListItem[]> {
  const rows = await deps.db
    .selectFrom('staff')
    .select(['id', 'email', 'roles', 'disabled_at', 'totp_secret', 'created_at'])
    .orderBy('created_at')
    .execute();
  const items: StaffListItem[] = [];
  for (const row of rows) {
    const views = await deps.access.read(context, row.id, [
      { field: 'staff.email', rowId: row.id, sealed: row.email },
    ]);
    const view = views.find((candidate) => candidate.field === 'staff.email');
    items.push({
      id: row.id,
      roles: JSON.parse(row.roles) as string[],
      email: view !== undefined && 'value' in view ? view.value : null,
      active: row.disabled_at === null && row.totp_secret !== null,
      createdAt: new Date(row.created_at).toISOString(),
    });
  }
  return items;
}
