export { checkPassword, PASSWORD_POLICY, passwordLength } from './password-policy.js';
export type { PasswordCheck, PasswordRejection } from './password-policy.js';
export { isCommonPassword } from './common-passwords.js';
export { ARGON2_MINIMUM, PasswordHasher } from './password-hasher.js';
export type { Argon2Params } from './password-hasher.js';
