import { z } from 'zod';
import { CONSENT_PURPOSES } from '../../privacy/inventory/index.js';

/** An email address as a login name: bounded, trimmed, and shaped like an address. */
export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be an email address' }));
/** Any password the schema lets through is judged by the password policy, with its own codes. */
export const passwordSchema = z.string().min(1).max(1024);
const nameSchema = z.string().trim().min(1).max(200);
const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ().-]{5,24}$/, { message: 'must be a phone number' });

/** The optional consents offered on a form, purpose → ticked; nothing else is accepted. */
export const consentsSchema = z.strictObject(
  Object.fromEntries(CONSENT_PURPOSES.map((purpose) => [purpose, z.boolean().optional()])),
);

/** `POST /store/customers`. */
export const registrationBody = z.strictObject({
  email: emailSchema,
  name: nameSchema,
  password: passwordSchema,
  phone: phoneSchema.optional(),
  consents: consentsSchema.optional(),
});

/** `POST /store/sessions`. */
export const loginBody = z.strictObject({ email: emailSchema, password: passwordSchema });

/** A new session: the token for API clients (also set as a cookie) and the CSRF token. */
export const sessionReply = z.object({
  token: z.string(),
  expiresAt: z.string(),
  csrfToken: z.string(),
});

/** `GET /store/sessions/current`. */
export const currentSessionReply = z.object({
  customerId: z.string(),
  expiresAt: z.string(),
  csrfToken: z.string(),
});

/** `PUT /store/me/password`. */
export const passwordChangeBody = z.strictObject({
  currentPassword: passwordSchema,
  newPassword: passwordSchema,
});

/** `POST /store/email-verifications`. */
export const verificationBody = z.strictObject({ token: z.string().min(1).max(200) });

/** A consent's current state, as the customer sees it. */
export const consentState = z.object({
  granted: z.boolean(),
  policyVersion: z.string().nullable(),
  recordedAt: z.string().nullable(),
});

/** `GET /store/me`: the customer's own profile in the clear. */
export const profileReply = z.object({
  id: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  emailVerified: z.boolean(),
  createdAt: z.string(),
  consents: z.record(z.string(), consentState),
});

/** An accepted request whose outcome arrives by mail. */
export const acceptedReply = z.object({ status: z.literal('accepted'), message: z.string() });
