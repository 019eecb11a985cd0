export {
  currentTotp,
  newTotpSecret,
  TOTP_SETTINGS,
  totpStep,
  totpUri,
  verifyTotp,
} from './totp.js';
export type { TotpCheck, TotpVerification } from './totp.js';
export {
  hashRecoveryCode,
  newRecoveryCodes,
  normaliseRecoveryCode,
  RECOVERY_CODE_BITS,
} from './recovery-codes.js';
export type { RecoveryCodes } from './recovery-codes.js';
