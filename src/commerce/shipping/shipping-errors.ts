import { defineErrors } from '../../platform/errors/index.js';

/** Errors of shipments and carriers. */
export const shippingErrors = defineErrors({
  SHIPMENT_NOT_FOUND: { status: 404, level: 'info', message: 'No such shipment' },
  SHIPMENT_STATUS_CONFLICT: {
    status: 409,
    level: 'info',
    message: 'A shipment moves forward only; it cannot take this status from its current one',
  },
  CARRIER_LABEL_REFUSED: {
    status: 502,
    level: 'warn',
    message: 'The carrier refused the label: a recipient name and a delivery address are needed',
  },
  CARRIER_UNAVAILABLE: {
    status: 502,
    level: 'warn',
    message: 'The carrier could not be reached; nothing was shipped, retry later',
  },
  CARRIER_TRACKING_UNKNOWN: {
    status: 502,
    level: 'warn',
    message: 'The carrier does not know this tracking number',
  },
});
