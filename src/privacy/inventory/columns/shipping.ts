/** Non-personal columns of the shipping tables, with the reason each holds no personal data. */
export const SHIPPING_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  shipments: {
    id: 'random shipment id',
    order_id: 'order id',
    carrier: 'name of the carrier (a processor, not a person)',
    tracking_number:
      "the carrier's tracking number: issued by the carrier, derived from no personal data",
    status: 'shipment status code',
    idempotency_key: "SHA-256 of the order id and the client's idempotency key",
    created_by: 'pseudonymous id of the staff member who shipped',
    created_at: 'creation time',
    updated_at: 'last status change time',
  },
  shipment_events: {
    shipment_id: 'shipment id',
    status: 'status code reached',
    at: 'time the status was reached',
  },
  test_carrier_shipments: {
    tracking_number: 'tracking number the test carrier issued',
    status: 'status code at the test carrier',
    created_at: 'time the label was created',
  },
};
