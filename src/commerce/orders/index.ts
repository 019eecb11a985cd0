export { addressJson, addressSchema, parseAddress } from './address.js';
export { newOrderNumber, ORDER_NUMBER } from './order-number.js';
export type { OrderPaymentFacts, OrderPaymentsSource } from './order-payments.js';
export {
  canTransition,
  isOrderStatus,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  sourcesOf,
} from './order-status.js';
export type { OrderStatus } from './order-status.js';
export { ORDER_PERSONAL_FIELDS } from './order-types.js';
export type {
  Address,
  NewOrder,
  OrderLine,
  OrderPersonalField,
  OrderRecord,
  OrderRef,
  OrdersService,
  TransitionFacts,
} from './order-types.js';
export { ordersErrors } from './orders-errors.js';
export { ordersMigration } from './orders-migration.js';
export type {
  OrderLinesTable,
  OrdersTable,
  OrdersTables,
  OrderStatusHistoryTable,
} from './orders-migration.js';
export type { OrdersRouteDeps } from './orders-route-deps.js';
export { ordersRoutes } from './orders-routes.js';
export { OrdersServiceImpl } from './orders-service.js';
export type { OrdersServiceDeps } from './orders-service-deps.js';
