/**
 * Kinds of processor personal data may be disclosed to, each under an agreement
 * (C3.4, C3.5). Nothing else ever receives personal data.
 */
export const PROCESSOR_KINDS = ['payment', 'carrier', 'mail'] as const;

/** A kind of processor. */
export type ProcessorKind = (typeof PROCESSOR_KINDS)[number];
