import type { Kysely, Transaction } from 'kysely';
import { lockKeyForTransaction } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/index.js';
import { isPersonalFieldName, personalField, type PersonalFieldName } from '../inventory/index.js';
import { SHREDDED, type DataKey, type KeysTables, type SubjectKeys } from '../keys/index.js';
import { blindDigest, type BlindIndexTable } from './blind-index.js';
import { ERASED, type Erased } from './erased.js';
import { AES_GCM_CODEC, type FieldCodec, type OpenFailure, type Sealed } from './field-codec.js';
import { vaultErrors } from './vault-errors.js';

/** Tables the vault reads and writes. */
export type VaultTables = KeysTables & {
  blind_index: BlindIndexTable;
};

/** Where a field value lives: its subject and the id of its row. */
export interface FieldRef {
  readonly subjectId: string;
  readonly rowId: string;
}

/** A ciphertext that failed to open: reported to security monitoring, never with its bytes. */
export interface IntegrityFailure {
  readonly field: string;
  readonly subjectId: string;
  readonly rowId: string;
  readonly reason: OpenFailure;
}

/** Callbacks for security monitoring. */
export interface VaultHooks {
  readonly onIntegrityFailure?: (failure: IntegrityFailure) => void;
}

/** Seals many fields of one subject with one key fetch. */
export interface FieldWriter {
  seal(field: PersonalFieldName, rowId: string, value: string): Sealed;
}

/** Opens many fields of one subject with one key fetch. */
export interface FieldReader {
  open(field: PersonalFieldName, rowId: string, sealed: Uint8Array): string | Erased;
}

function declared(name: PersonalFieldName) {
  // A name typed as a field can still arrive from a cast; refuse anything undeclared.
  if (!isPersonalFieldName(name)) throw new Error('Undeclared personal field');
  return personalField(name);
}

/**
 * The only way personal fields are written and read (C2.1). Values are sealed with the
 * subject's data key and bound to their table, column and row; reads of an erased
 * subject return ERASED.
 */
export class Vault {
  constructor(
    private readonly db: Kysely<VaultTables>,
    readonly keys: SubjectKeys,
    private readonly hooks: VaultHooks = {},
    private readonly codec: FieldCodec = AES_GCM_CODEC,
  ) {}

  /** A writer for one subject; fetch it before opening the transaction that stores the values. */
  async writer(subjectId: string): Promise<FieldWriter> {
    return this.#writerFor(await this.keys.forWriting(subjectId));
  }

  /**
   * A writer for a subject id just made (a new account, a guest's `sub_…`), and `store`,
   * which writes its data key in the caller's transaction: the key exists exactly when the
   * sealed values do.
   */
  async newSubject(
    subjectId: string,
  ): Promise<{ writer: FieldWriter; store: <DB>(trx: Transaction<DB>) => Promise<void> }> {
    const { key, store } = await this.keys.prepareNew(subjectId);
    return { writer: this.#writerFor(key), store };
  }

  #writerFor(key: DataKey): FieldWriter {
    return {
      seal: (field, rowId, value) =>
        this.codec.seal(key, `${declared(field).name}.${rowId}`, value),
    };
  }

  /** Seals one value. */
  async seal(field: PersonalFieldName, ref: FieldRef, value: string): Promise<Sealed> {
    return (await this.writer(ref.subjectId)).seal(field, ref.rowId, value);
  }

  /** A reader for one subject; every read through it yields ERASED once the subject is erased. */
  async reader(subjectId: string): Promise<FieldReader> {
    const key = await this.keys.forReading(subjectId);
    if (key === SHREDDED) return { open: () => ERASED };
    return { open: (field, rowId, sealed) => this.#open(key, subjectId, field, rowId, sealed) };
  }

  /** Opens one value. */
  async open(
    field: PersonalFieldName,
    ref: FieldRef,
    sealed: Uint8Array,
  ): Promise<string | Erased> {
    return (await this.reader(ref.subjectId)).open(field, ref.rowId, sealed);
  }

  /** The blind-index digest of a value, for exact-match lookup. */
  digest(field: PersonalFieldName, value: string): Buffer {
    const spec = declared(field);
    if (!spec.searchable)
      throw new AppError(vaultErrors.FIELD_NOT_SEARCHABLE, { details: { field } });
    return blindDigest(this.keys.kek.blindIndexKey(spec.name), spec, value);
  }

  /** Records a value's blind index, in the same transaction as the row that holds it. */
  async index(
    trx: Transaction<VaultTables>,
    field: PersonalFieldName,
    ref: FieldRef,
    value: string,
  ): Promise<void> {
    const digest = this.digest(field, value);
    await trx
      .deleteFrom('blind_index')
      .where('field', '=', field)
      .where('row_id', '=', ref.rowId)
      .execute();
    await trx
      .insertInto('blind_index')
      .values({ field, digest, subject_id: ref.subjectId, row_id: ref.rowId })
      .execute();
  }

  /**
   * Inside a transaction: the rows whose field already holds this value, after waiting for
   * any other transaction claiming the same value to finish, so that a check-then-insert
   * of a unique value (one account per email) cannot race.
   */
  async lookupForUpdate(
    trx: Transaction<VaultTables>,
    field: PersonalFieldName,
    value: string,
  ): Promise<FieldRef[]> {
    const digest = this.digest(field, value);
    await lockKeyForTransaction(trx, `${field}:${digest.toString('hex')}`);
    const rows = await trx
      .selectFrom('blind_index')
      .select(['subject_id', 'row_id'])
      .where('field', '=', field)
      .where('digest', '=', digest)
      .execute();
    return rows.map((row) => ({ subjectId: row.subject_id, rowId: row.row_id }));
  }

  /** Rows whose field holds exactly this value (after normalisation). */
  async lookup(field: PersonalFieldName, value: string): Promise<FieldRef[]> {
    const rows = await this.db
      .selectFrom('blind_index')
      .select(['subject_id', 'row_id'])
      .where('field', '=', field)
      .where('digest', '=', this.digest(field, value))
      .execute();
    return rows.map((row) => ({ subjectId: row.subject_id, rowId: row.row_id }));
  }

  #open(
    key: DataKey,
    subjectId: string,
    field: PersonalFieldName,
    rowId: string,
    sealed: Uint8Array,
  ): string {
    const name = declared(field).name;
    const result = this.codec.open(key, `${name}.${rowId}`, sealed);
    if (!result.ok) {
      this.hooks.onIntegrityFailure?.({ field: name, subjectId, rowId, reason: result.reason });
      throw new AppError(vaultErrors.CIPHERTEXT_INVALID, { details: { field: name, rowId } });
    }
    return result.value;
  }
}
