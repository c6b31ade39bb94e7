import type { FastifyInstance, InjectOptions } from 'fastify';
import type { TestUser } from './factories.js';

/** Terse inject helpers for suites that talk to many routes as several users. */
export function client(app: () => FastifyInstance) {
  const call = (
    method: InjectOptions['method'],
    user: TestUser | undefined,
    url: string,
    payload?: unknown,
  ) =>
    app().inject({
      method,
      url,
      headers: user?.headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  return {
    get: (user: TestUser | undefined, url: string) => call('GET', user, url),
    post: (user: TestUser | undefined, url: string, payload: unknown = {}) =>
      call('POST', user, url, payload),
    patch: (user: TestUser | undefined, url: string, payload: unknown) => call('PATCH', user, url, payload),
    put: (user: TestUser | undefined, url: string, payload?: unknown) => call('PUT', user, url, payload),
    del: (user: TestUser | undefined, url: string) => call('DELETE', user, url),
  };
}
