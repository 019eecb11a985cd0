/**
 * Categories of personal data, grouped as the privacy policy names them: registration
 * details, order specifics, delivery addresses, payment data and service-interaction
 * logs (C1.1). Access grants are given per category.
 */
export const CATEGORIES = {
  'registration.name': { group: 'registration', label: 'Name' },
  'registration.email': { group: 'registration', label: 'Email address' },
  'registration.phone': { group: 'registration', label: 'Phone number' },
  'registration.credentials': { group: 'registration', label: 'Password (as a one-way hash)' },
  'order.contact': { group: 'order', label: 'Contact details given with an order' },
  'delivery.address': { group: 'delivery', label: 'Delivery and billing addresses' },
  'payment.token': { group: 'payment', label: 'Payment processor token' },
  'payment.card': { group: 'payment', label: 'Card brand, last four digits and expiry' },
  'service.support_message': { group: 'service', label: 'Support tickets and messages' },
  'service.network': { group: 'service', label: 'Truncated IP address' },
  'service.user_agent': { group: 'service', label: 'Browser or app identification' },
  'service.staff_note': {
    group: 'service',
    label: 'Reasons staff gave for seeing masked data in the clear',
  },
  'staff.account': { group: 'staff', label: "A staff member's work email address" },
  'staff.credentials': {
    group: 'staff',
    label: "A staff member's password hash and second-factor secret",
  },
} as const satisfies Record<string, { group: CategoryGroup; label: string }>;

/**
 * The policy's five kinds of customer data, and the data of the shop's own staff, which
 * is protected the same way.
 */
export type CategoryGroup = 'registration' | 'order' | 'delivery' | 'payment' | 'service' | 'staff';

/** A category of personal data. */
export type Category = keyof typeof CATEGORIES;

/** Every category, in declaration order. */
export const CATEGORY_NAMES = Object.freeze(Object.keys(CATEGORIES)) as readonly Category[];
