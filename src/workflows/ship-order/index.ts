export { readCarrierLabel } from './carrier-label.js';
export type { CarrierLabelRead } from './carrier-label.js';
export type { ShipOrderDeps } from './ship-order-deps.js';
export { shipOrderErrors } from './ship-order-errors.js';
export { shipOrderRoutes } from './ship-order-routes.js';
export { shipOrder } from './ship-order.js';
export type { ShipOrderRequest, ShipOrderResult } from './ship-order.js';
export { updateShipment } from './update-shipment.js';
export type { UpdateShipmentResult } from './update-shipment.js';
