// What the support tests share: an app on a fresh store with a clock each request moves
// on, two customers and two support agents, and how they call the API.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import {
  bearer,
  createLoggedInStaff,
  registerCustomer,
  type LoggedIn,
  type LoggedInStaff,
} from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** A field as staff see it. */
export type Shown = { view: 'clear' | 'masked'; value: string } | { view: 'erased' | 'absent' };

/** A ticket as `GET /admin/tickets/:id` answers it. */
export interface StaffTicket {
  id: string;
  customerId: string;
  status: string;
  assignedTo: string | null;
  subject?: Shown;
  messages: { id: string; authorKind: string; authorId: string; body?: Shown }[];
}

/** The app and its accounts, open between the suite's beforeAll and afterAll. */
export interface SupportWorld {
  readonly clock: ManualClock;
  readonly t: TestApp;
  readonly ada: LoggedIn;
  readonly ben: LoggedIn;
  readonly agentA: LoggedInStaff;
  readonly agentB: LoggedInStaff;
  /** One request with the session's bearer token, a second after the one before. */
  readonly call: (
    session: { token: string },
    method: 'GET' | 'POST',
    url: string,
    payload?: Record<string, unknown>,
  ) => Promise<LightMyRequestResponse>;
  /** A ticket as a staff member sees it; expects 200. */
  readonly staffView: (session: LoggedInStaff, id: string) => Promise<StaffTicket>;
}

type Accounts = Pick<SupportWorld, 't' | 'ada' | 'ben' | 'agentA' | 'agentB'>;

/** Opens the app and its accounts before the suite's tests, and closes it after. */
export function useSupportWorld(
  engine: 'sqlite' | 'postgres',
  names: { ada?: string; ben?: string } = {},
): SupportWorld {
  const clock = new ManualClock();
  let opened: Accounts | undefined;
  beforeAll(async () => {
    const t = await createTestApp(engine, { clock });
    const name = (label: string | undefined) => (label === undefined ? {} : { name: label });
    opened = {
      t,
      ada: await registerCustomer(t.app, name(names.ada)),
      ben: await registerCustomer(t.app, name(names.ben)),
      agentA: await createLoggedInStaff(t, ['support_agent']),
      agentB: await createLoggedInStaff(t, ['support_agent']),
    };
  });
  afterAll(async () => opened?.t.close());
  const current = (): Accounts => {
    if (opened === undefined) throw new Error('The support app opens in beforeAll');
    return opened;
  };
  const call: SupportWorld['call'] = (session, method, url, payload) => {
    clock.advance(1000);
    return current().t.app.inject({
      method,
      url,
      headers: bearer(session),
      ...(payload === undefined ? {} : { payload }),
    });
  };
  return {
    clock,
    get t() {
      return current().t;
    },
    get ada() {
      return current().ada;
    },
    get ben() {
      return current().ben;
    },
    get agentA() {
      return current().agentA;
    },
    get agentB() {
      return current().agentB;
    },
    call,
    staffView: async (session, id) => {
      const reply = await call(session, 'GET', `/admin/tickets/${id}`);
      expect(reply.statusCode, reply.body).toBe(200);
      return reply.json<StaffTicket>();
    },
  };
}
