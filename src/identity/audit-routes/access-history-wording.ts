import { CATEGORIES, type Category } from '../../privacy/inventory/index.js';

/** How one kind of act reads in a customer's access history. */
interface Wording {
  /** The act done; `{data}` stands for the categories touched, such as "your email address". */
  readonly done: string;
  /** The act refused or failed. */
  readonly tried: string;
  /** Masked data seen in the clear: shown to the customer as a reveal. */
  readonly reveal: boolean;
}

const REVEAL: Wording = {
  done: 'revealed {data} in the clear',
  tried: 'tried to reveal {data} in the clear',
  reveal: true,
};

/** An ordinary act: what was done, and "tried to …" when refused or failed. */
function act(done: string, tried: string): Wording {
  return { done, tried: `tried to ${tried}`, reveal: false };
}

// Acts recorded about a customer today. A kind not listed (processor disclosures, later
// modules) still reads sensibly through UNKNOWN; add it here to word it precisely.
const WORDINGS: Readonly<Record<string, Wording>> = {
  'customer.read': {
    done: 'viewed your profile',
    tried: 'tried to view your profile',
    reveal: false,
  },
  'customer.list': {
    done: 'saw your profile in the customer list',
    tried: 'tried to see your profile in the customer list',
    reveal: false,
  },
  'customer.reveal': REVEAL,
  'personal_data.read': { done: 'read {data}', tried: 'tried to read {data}', reveal: false },
  'personal_data.reveal': REVEAL,
  'customer.register': {
    done: 'created your account',
    tried: 'tried to create your account',
    reveal: false,
  },
  'customer.email_verified': {
    done: 'confirmed your email address',
    tried: 'tried to confirm your email address',
    reveal: false,
  },
  'customer.password_change': {
    done: 'changed your password',
    tried: 'tried to change your password',
    reveal: false,
  },
  'session.create': {
    done: 'signed in to your account',
    tried: 'tried to sign in to your account',
    reveal: false,
  },
  'service_event.record': act('recorded a sign-in to your account', 'record a sign-in'),
  'service_event.read': act('showed you your recent sign-ins', 'show you your recent sign-ins'),
  'order.create': act('placed your order with {data}', 'place your order'),
  'order.read': act('viewed your order: {data}', 'view your order'),
  'order.list': act('saw your order in the order list', 'see your order in the order list'),
  'order.status': act('changed the status of your order', 'change the status of your order'),
  'payment.record': act('stored the payment of your order: {data}', 'store your payment'),
  'payment.capture': act('took the payment for your order', 'take your payment'),
  'payment.void': act(
    'released the amount held for your order',
    'release the amount held for your order',
  ),
  'shipment.label': act('prepared a shipping label from {data}', 'prepare a shipping label'),
  'disclosure.carrier': act(
    'gave the carrier {data} to deliver your order',
    'give the carrier your delivery details',
  ),
  'disclosure.mail': act('sent you an email using {data}', 'send you an email'),
  'refund.create': act('refunded your payment', 'refund your payment'),
  'ticket.create': act('opened your support ticket', 'open your support ticket'),
  'ticket.read': act('read your support ticket', 'read your support ticket'),
  'ticket.list': act('saw your ticket in the support queue', 'see your ticket in the queue'),
  'ticket.message': act('added a message to your support ticket', 'add a message to your ticket'),
  'ticket.assign': act('took on your support ticket', 'take on your support ticket'),
  'ticket.close': act('closed your support ticket', 'close your support ticket'),
  'audit.query': {
    done: 'looked at the record of who used your data',
    tried: 'tried to look at the record of who used your data',
    reveal: false,
  },
};

const UNKNOWN: Wording = { done: 'used your data', tried: 'tried to use your data', reveal: false };

const LIST = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });

/** "your email address and phone number": the categories' inventory labels, in a sentence. */
function dataPhrase(categories: readonly Category[]): string {
  if (categories.length === 0) return 'your data';
  const labels = categories.map((category) => {
    const label: string = CATEGORIES[category].label;
    // Only the first letter: labels keep abbreviations such as "IP" as written.
    return label.charAt(0).toLowerCase() + label.slice(1);
  });
  return `your ${LIST.format(labels)}`;
}

/** The wording of an action; an unknown one reads as "used your data", never as an error. */
function wordingOf(action: string): Wording {
  if (Object.hasOwn(WORDINGS, action)) return WORDINGS[action] ?? UNKNOWN;
  // A reveal by another module's name is still a reveal, and the customer should see it as one.
  return action.endsWith('.reveal') ? REVEAL : UNKNOWN;
}

/** What an act means to the customer: a plain-words description, and whether it was a reveal. */
export function describeAct(
  action: string,
  categories: readonly Category[],
  succeeded: boolean,
): { readonly description: string; readonly reveal: boolean } {
  const wording = wordingOf(action);
  const text = succeeded ? wording.done : wording.tried;
  return { description: text.replace('{data}', dataPhrase(categories)), reveal: wording.reveal };
}
