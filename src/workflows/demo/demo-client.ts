import type { FastifyInstance } from 'fastify';

/** The part of an app the demo talks to: its routes, through inject. */
export type DemoHttp = Pick<FastifyInstance, 'inject' | 'hasRoute'>;

/** A demo step the shop answered with an error: method, route, status and the error code only. */
export class DemoStepError extends Error {
  constructor(
    readonly step: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(`${step} answered ${status}${code === undefined ? '' : ` ${code}`}`);
    this.name = 'DemoStepError';
  }
}

/** Who a request is sent as: a bearer token, and for staff the purpose of the request. */
export interface Caller {
  readonly token: string;
  readonly purpose?: string;
}

/**
 * Talks to the app as a client does, through `inject`: the same routes, schemas, guards,
 * audit and rate limits as over HTTP, without a socket. Errors carry the error code of the
 * answer, never its body, which may hold values the demo sent.
 */
export class DemoClient {
  readonly #app: DemoHttp;

  constructor(app: DemoHttp) {
    this.#app = app;
  }

  /** True when the app serves `method url` (a module of the shop may not be there). */
  serves(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string): boolean {
    return this.#app.hasRoute({ method, url });
  }

  /** Sends one request and returns the JSON answer; throws DemoStepError on a 4xx or 5xx. */
  async send<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    options: { as?: Caller; body?: unknown; step?: string } = {},
  ): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.as !== undefined) headers['authorization'] = `Bearer ${options.as.token}`;
    if (options.as?.purpose !== undefined) headers['x-custodia-purpose'] = options.as.purpose;
    const response = await this.#app.inject({
      method,
      url,
      headers,
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    });
    if (response.statusCode >= 400) {
      let code: string | undefined;
      try {
        code = (response.json<{ code?: unknown }>().code as string | undefined) ?? undefined;
      } catch {
        code = undefined;
      }
      throw new DemoStepError(options.step ?? `${method} ${url}`, response.statusCode, code);
    }
    return (response.body === '' ? undefined : response.json()) as T;
  }
}
