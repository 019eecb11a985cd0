import { AppError, defineErrors } from '../../platform/errors/index.js';
import type { Purpose } from '../../privacy/inventory/index.js';

/** Errors of purpose selection. */
export const purposeErrors = defineErrors({
  PURPOSE_NOT_SERVED: {
    status: 400,
    level: 'info',
    message: 'This endpoint does not serve the purpose named in x-custodia-purpose',
  },
});

/** The purpose a staff request names among those its route serves; the first by default. */
export function selectPurpose(
  purposes: readonly [Purpose, ...Purpose[]],
  header: string | string[] | undefined,
): Purpose {
  if (header === undefined) return purposes[0];
  const named = Array.isArray(header) ? header[0] : header;
  const chosen = purposes.find((purpose) => purpose === named);
  if (chosen === undefined) {
    throw new AppError(purposeErrors.PURPOSE_NOT_SERVED, { details: { served: [...purposes] } });
  }
  return chosen;
}
