export type { Carrier } from './carrier.js';
export {
  SHIPMENT_STATUSES,
  UPDATABLE_STATUSES,
  canAdvance,
  isShipmentStatus,
} from './shipment-status.js';
export type { ShipmentStatus } from './shipment-status.js';
export { CARRIER_LABEL_FIELDS, projectLabel } from './shipping-label.js';
export type { CarrierLabelField, ShippingLabel } from './shipping-label.js';
export { shippingMigration } from './shipping-migration.js';
export type { ShippingTables } from './shipping-migration.js';
export { shippingErrors } from './shipping-errors.js';
export { idempotencyDigest } from './shipments-repository.js';
export type { NewShipment, ShipmentEvent, ShipmentRecord } from './shipments-repository.js';
export { ShippingService } from './shipping-service.js';
export type { Advance } from './shipping-service.js';
export { TEST_CARRIER_NAME, TestCarrier, testTrackingNumber } from './test-carrier.js';
