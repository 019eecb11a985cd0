/** Where a parcel is, in the order it gets there. */
export const SHIPMENT_STATUSES = ['label_created', 'in_transit', 'delivered', 'returned'] as const;

/** A shipment's status, as carriers report it. */
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

/** The statuses staff may record after the label: everything but the first. */
export const UPDATABLE_STATUSES = ['in_transit', 'delivered', 'returned'] as const;

// Forward only: a parcel may skip a scan (delivered without an in-transit scan) or come
// back from any point, but it never goes back to an earlier step.
const NEXT: Readonly<Record<ShipmentStatus, readonly ShipmentStatus[]>> = {
  label_created: ['in_transit', 'delivered', 'returned'],
  in_transit: ['delivered', 'returned'],
  delivered: ['returned'],
  returned: [],
};

/** True when a shipment may move from one status to the other. */
export function canAdvance(from: ShipmentStatus, to: ShipmentStatus): boolean {
  return NEXT[from].includes(to);
}

/** True for a known status (values read back from the database or a carrier). */
export function isShipmentStatus(value: string): value is ShipmentStatus {
  return (SHIPMENT_STATUSES as readonly string[]).includes(value);
}
