import { CONSENT_PURPOSES, type Purpose } from '../inventory/index.js';

/** What a customer is asked to agree to for one purpose. */
export interface ConsentOffer {
  /** The exact text shown beside the box; it is stored with each record (C1.2). */
  readonly wording: string;
}

/**
 * The offer shown for each purpose that rests on consent. Changing the wording is a code
 * change; records keep the wording that was actually shown.
 */
export const CONSENT_OFFERS: Readonly<Partial<Record<Purpose, ConsentOffer>>> = Object.freeze({
  marketing: {
    wording:
      'Send me occasional emails about new products and offers. I can withdraw this at any time in my privacy center.',
  },
});

/** Where a consent was collected. */
export const COLLECTION_POINTS = ['registration', 'checkout', 'privacy_center'] as const;

/** A place where consents are collected. */
export type CollectionPoint = (typeof COLLECTION_POINTS)[number];

/** True when consents for the purpose are collected and checked (C1.2). */
export function isConsentPurpose(purpose: string): purpose is Purpose {
  return (CONSENT_PURPOSES as readonly string[]).includes(purpose);
}

/** The offer for a consent purpose; a purpose without one is a startup error. */
export function consentOffer(purpose: Purpose): ConsentOffer {
  const offer = CONSENT_OFFERS[purpose];
  if (offer === undefined) throw new Error(`No consent offer for ${purpose}`);
  return offer;
}

// Every consent purpose the inventory declares must have the words that ask for it, and
// nothing else may be offered: fail at load rather than record a consent without wording.
{
  const offered = Object.keys(CONSENT_OFFERS).sort();
  const declared = [...CONSENT_PURPOSES].sort();
  if (JSON.stringify(offered) !== JSON.stringify(declared)) {
    throw new Error(
      `Consent offers (${offered.join(', ')}) must match CONSENT_PURPOSES (${declared.join(', ')})`,
    );
  }
}
