import {
  CATEGORIES,
  CATEGORY_NAMES,
  fieldsInCategory,
  type Category,
  type Purpose,
} from '../inventory/index.js';
import {
  categoryAllows,
  freezeRoles,
  UNGRANTABLE_CATEGORIES,
  type Grant,
  type RoleDefinition,
} from './role-definition.js';

/** Grants of one view for every (category, purpose) pair that some field declares. */
function grants(
  categories: readonly Category[],
  purposes: readonly Purpose[],
  view: Grant['view'],
  reveal = false,
): Grant[] {
  return categories.flatMap((category) =>
    purposes
      .filter((purpose) => categoryAllows(category, purpose))
      .map((purpose): Grant =>
        reveal ? { category, purpose, view, reveal } : { category, purpose, view },
      ),
  );
}

/** Every category of customer data that may be shown at all (not staff, not credentials). */
const CUSTOMER_CATEGORIES = CATEGORY_NAMES.filter(
  (category) =>
    CATEGORIES[category].group !== 'staff' && !UNGRANTABLE_CATEGORIES.includes(category),
);

/** The purposes some field of a category declares. */
function declaredPurposes(category: Category): Purpose[] {
  return [...new Set(fieldsInCategory(category).flatMap((field) => field.purposes))];
}

// Admin oversees accounts but never processes them: no consent purposes, no privacy
// requests, and no payment tokens (nothing of a token is useful even masked).
const ADMIN_EXCLUDED: readonly Purpose[] = ['marketing', 'privacy_request', 'service_improvement'];
const adminGrants: Grant[] = [
  ...CUSTOMER_CATEGORIES.filter((category) => category !== 'payment.token').flatMap((category) =>
    grants(
      [category],
      declaredPurposes(category).filter((purpose) => !ADMIN_EXCLUDED.includes(purpose)),
      'masked',
    ),
  ),
  { category: 'staff.account', purpose: 'account', view: 'masked' },
];

/**
 * The default roles (DESIGN.md: Access), least privilege first: masked by default, clear
 * only where the job cannot be done otherwise, reveal where it sometimes cannot.
 * Operators add their own roles beside these (parseRoleDefinitions).
 */
export const DEFAULT_ROLES: readonly RoleDefinition[] = freezeRoles([
  {
    name: 'support_agent',
    description:
      'Answers customers: contact details masked (reveal with a reason), tickets in the clear',
    permissions: [
      'customers.read',
      'customers.reveal',
      'orders.read',
      'tickets.read',
      'tickets.reply',
    ],
    grants: [
      ...grants(
        ['registration.name', 'registration.email', 'registration.phone', 'order.contact'],
        ['customer_support'],
        'masked',
        true,
      ),
      ...grants(['delivery.address', 'payment.card'], ['customer_support'], 'masked'),
      // A support agent cannot answer a message they cannot read.
      ...grants(['service.support_message'], ['customer_support'], 'clear'),
    ],
  },
  {
    name: 'fulfilment',
    description:
      'Packs and ships orders: the delivery address in the clear for shipping, names masked',
    permissions: ['orders.read', 'orders.fulfil'],
    grants: [
      ...grants(['delivery.address'], ['shipping'], 'clear'),
      ...grants(['delivery.address'], ['order_fulfilment'], 'masked'),
      ...grants(['order.contact'], ['order_fulfilment', 'shipping'], 'masked'),
      ...grants(['registration.name'], ['order_fulfilment'], 'masked'),
    ],
  },
  {
    name: 'finance',
    description: 'Takes payments and issues refunds: card and contact masked',
    permissions: ['orders.read', 'refunds.create'],
    grants: [
      ...grants(['payment.card', 'order.contact'], ['payment', 'refund'], 'masked'),
      ...grants(['delivery.address'], ['payment', 'refund', 'legal_obligation'], 'masked'),
    ],
  },
  {
    name: 'privacy_officer',
    description: 'Handles privacy requests: every customer category masked, reveal with a reason',
    permissions: ['customers.read', 'customers.reveal', 'privacy.requests', 'audit.read'],
    grants: grants(CUSTOMER_CATEGORIES, ['privacy_request'], 'masked', true),
  },
  {
    name: 'security_officer',
    description: 'Investigates misuse: audit log, network and email masked, reveal with a reason',
    permissions: ['audit.read', 'customers.read', 'customers.reveal'],
    grants: [
      ...grants(
        ['service.network', 'service.user_agent', 'service.staff_note'],
        ['risk_mitigation'],
        'masked',
        true,
      ),
      // customers.email does not declare risk_mitigation; identity checks are its use here.
      ...grants(['registration.email'], ['identity_verification'], 'masked', true),
    ],
  },
  {
    name: 'admin',
    description:
      'Configures the shop and its staff; sees customer data masked only, never in the clear',
    permissions: ['staff.manage', 'settings.manage', 'catalog.manage', 'customers.read'],
    grants: adminGrants,
  },
] satisfies RoleDefinition[]);
