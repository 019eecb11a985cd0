import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import { fixedQuery, tablesOf } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids.js';
import { CONSENT_PURPOSES, isPurpose, type Purpose } from '../inventory/index.js';
import { consentErrors } from './consent-errors.js';
import type { ConsentRecordsTable, ConsentTables } from './consent-migration.js';
import {
  COLLECTION_POINTS,
  consentOffer,
  isConsentPurpose,
  type CollectionPoint,
} from './consent-offers.js';

const insertRecords = fixedQuery(
  (db: Kysely<ConsentTables>, args: { rows: Insertable<ConsentRecordsTable>[] }) =>
    db.insertInto('consent_records').values(args.rows),
);

/** One recorded choice: a consent receipt. */
export interface ConsentRecord {
  readonly id: string;
  readonly subjectId: string;
  readonly purpose: Purpose;
  readonly granted: boolean;
  readonly policyVersion: string;
  readonly wording: string;
  readonly collectionPoint: string;
  readonly recordedAt: Date;
}

/** Where and under which policy the choices were made. */
export interface ConsentContext {
  readonly policyVersion: string;
  readonly collectionPoint: CollectionPoint;
  readonly recordedAt: Date;
}

/** The current state of one consent purpose; `record` is null when none was ever made. */
export interface ConsentStatus {
  readonly purpose: Purpose;
  readonly granted: boolean;
  readonly record: ConsentRecord | null;
}

const MAX_POLICY_VERSION = 64;

function fromRow(row: Selectable<ConsentRecordsTable>): ConsentRecord | undefined {
  // Purposes are a closed list; one removed from it in a later version can no longer be
  // used, so its old records say nothing about what may be done today.
  if (!isPurpose(row.purpose)) return undefined;
  return {
    id: row.id,
    subjectId: row.subject_id,
    purpose: row.purpose,
    granted: Number(row.granted) === 1,
    policyVersion: row.policy_version,
    wording: row.wording,
    collectionPoint: row.collection_point,
    recordedAt: new Date(Number(row.recorded_at)),
  };
}

function checkChoices(choices: Readonly<Record<string, unknown>>): void {
  for (const [purpose, granted] of Object.entries(choices)) {
    if (!isConsentPurpose(purpose)) {
      // A known purpose is safe to name; anything else came from a request and is not echoed.
      const details = isPurpose(purpose) ? { purpose } : {};
      throw new AppError(consentErrors.CONSENT_PURPOSE_UNKNOWN, { details });
    }
    if (granted !== undefined && typeof granted !== 'boolean') {
      throw new AppError(consentErrors.CONSENT_CHOICE_INVALID, { details: { purpose } });
    }
  }
}

function checkContext(subjectId: string, context: ConsentContext): void {
  const valid =
    typeof subjectId === 'string' &&
    subjectId !== '' &&
    typeof context.policyVersion === 'string' &&
    context.policyVersion.trim() !== '' &&
    context.policyVersion.length <= MAX_POLICY_VERSION &&
    (COLLECTION_POINTS as readonly string[]).includes(context.collectionPoint) &&
    context.recordedAt instanceof Date &&
    !Number.isNaN(context.recordedAt.getTime());
  if (!valid) throw new AppError(consentErrors.CONSENT_CONTEXT_INVALID);
}

/**
 * The append-only consent ledger (C1.2, C4.3). Every choice is a new record naming the
 * policy version, time, collection point and wording shown; the current state is the
 * latest record per purpose, and a purpose never recorded is not granted. There is no
 * update or delete: withdrawing is recording `false`.
 */
export class ConsentLedger {
  constructor(private readonly db: Kysely<ConsentTables>) {}

  /**
   * Records one row for every offered consent purpose, in the caller's transaction: a
   * purpose left unticked or absent is recorded as not granted, so that "off unless
   * ticked" is in the ledger, not only in the code.
   */
  async record<DB>(
    trx: Transaction<DB>,
    subjectId: string,
    choices: Partial<Record<Purpose, boolean>>,
    context: ConsentContext,
  ): Promise<readonly ConsentRecord[]> {
    checkChoices(choices);
    checkContext(subjectId, context);
    const records = CONSENT_PURPOSES.map((purpose): ConsentRecord => ({
      id: newId('con'),
      subjectId,
      purpose,
      granted: choices[purpose] === true,
      policyVersion: context.policyVersion,
      wording: consentOffer(purpose).wording,
      collectionPoint: context.collectionPoint,
      recordedAt: context.recordedAt,
    }));
    if (records.length === 0) return records;
    await insertRecords.execute(tablesOf<ConsentTables>(trx), {
      rows: records.map((record) => ({
        id: record.id,
        subject_id: record.subjectId,
        purpose: record.purpose,
        granted: record.granted ? 1 : 0,
        policy_version: record.policyVersion,
        wording: record.wording,
        collection_point: record.collectionPoint,
        recorded_at: record.recordedAt.getTime(),
      })),
    });
    return records;
  }

  /** The current state of every consent purpose for a subject, in CONSENT_PURPOSES order. */
  async current(subjectId: string): Promise<readonly ConsentStatus[]> {
    const latest = new Map<string, ConsentRecord>();
    // Newest first: the first record seen for a purpose is its current state.
    for (const record of await this.history(subjectId)) {
      if (!latest.has(record.purpose)) latest.set(record.purpose, record);
    }
    return CONSENT_PURPOSES.map((purpose) => {
      const record = latest.get(purpose) ?? null;
      return { purpose, granted: record?.granted ?? false, record };
    });
  }

  /** Every record of a subject, newest first: the consent receipts of the privacy center. */
  async history(subjectId: string): Promise<readonly ConsentRecord[]> {
    const rows = await this.db
      .selectFrom('consent_records')
      .selectAll()
      .where('subject_id', '=', subjectId)
      .orderBy('seq', 'desc')
      .execute();
    return rows.map(fromRow).filter((record) => record !== undefined);
  }

  /**
   * Whether the subject has a live consent for the purpose, read at the moment of use
   * (C1.2). Asking about a purpose that does not rest on consent is a programming error.
   */
  async isGranted(subjectId: string, purpose: Purpose): Promise<boolean> {
    if (!isConsentPurpose(purpose)) {
      throw new AppError(consentErrors.CONSENT_PURPOSE_UNKNOWN, { details: { purpose } });
    }
    const row = await this.db
      .selectFrom('consent_records')
      .select('granted')
      .where('subject_id', '=', subjectId)
      .where('purpose', '=', purpose)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined && Number(row.granted) === 1;
  }
}
