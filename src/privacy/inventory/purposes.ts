/**
 * The closed list of purposes personal data may be used for (C1.4, C3.1). Adding one is
 * a code change, reviewed like any other.
 */
export const PURPOSES = [
  'account',
  'order_fulfilment',
  'shipping',
  'payment',
  'refund',
  'customer_support',
  'identity_verification',
  'risk_mitigation',
  /** Aggregated or pseudonymous data only; never a clear personal field. */
  'service_improvement',
  'legal_obligation',
  'privacy_request',
  /** Only with the customer's explicit opt-in; off by default. */
  'marketing',
] as const;

/** A purpose for which personal data may be read or written. */
export type Purpose = (typeof PURPOSES)[number];

/** Purposes that rest on consent: a live consent record is checked at the moment of use (C1.2). */
export const CONSENT_PURPOSES: readonly Purpose[] = ['marketing'];

/** The lawful bases a field may be collected on (C1.2). */
export const LAWFUL_BASES = [
  'consent',
  'contract',
  'legal_obligation',
  'legitimate_interest',
] as const;

/** A lawful basis for collecting a field. */
export type LawfulBasis = (typeof LAWFUL_BASES)[number];

/** True for a known purpose. */
export function isPurpose(value: string): value is Purpose {
  return (PURPOSES as readonly string[]).includes(value);
}
