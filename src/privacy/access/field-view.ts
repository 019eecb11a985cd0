import type { Purpose, PersonalFieldName } from '../inventory/index.js';
import type { Actor } from './actor.js';
import type { Permission, SELF } from './permissions.js';

/** One stored field to read: its name, its row, and its ciphertext (null when never given). */
export interface FieldInput {
  readonly field: PersonalFieldName;
  readonly rowId: string;
  readonly sealed: Uint8Array | null;
}

/**
 * What a reader gets for one field it may see: the clear value, the masked value, the
 * fact that it was erased, or the fact that it was never given. Denied fields are left
 * out of a result altogether.
 */
export type FieldView = { readonly field: PersonalFieldName; readonly rowId: string } & (
  | { readonly view: 'clear'; readonly value: string }
  | { readonly view: 'masked'; readonly value: string }
  | { readonly view: 'erased' }
  | { readonly view: 'absent' }
);

/** Who reads, why, and which request it belongs to; every read and reveal is audited with it. */
export interface AccessContext {
  readonly actor: Actor;
  readonly purpose: Purpose;
  readonly requestId: string | null;
  /** The audit action, such as `customer.read`; a generic one when absent. */
  readonly action?: string;
}

/** A read also names the permission the route declared. */
export interface ReadContext extends AccessContext {
  readonly permission: Permission | typeof SELF;
  /**
   * The strongest view this read may hand out, whatever the grants say: `masked` turns a
   * clear grant into a masked one where the record's state ends the need to see it (an
   * order already shipped, a ticket assigned to someone else).
   */
  readonly ceiling?: 'masked';
}

/** Why a staff member wants masked fields in the clear. */
export interface RevealReason {
  /** Free text; stored only sealed, under the subject's key. */
  readonly text: string;
  /** A ticket reference such as `tkt_…` or `SUP-1234`. */
  readonly ticketId?: string;
}

/** A live-consent check at the moment of use (C1.2), such as the consent ledger. */
export interface ConsentCheck {
  isGranted(subjectId: string, purpose: Purpose): Promise<boolean>;
}
