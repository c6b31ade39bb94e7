import { describe, expect, it } from 'vitest';
import { afterSignIn, parseRoute, routePath } from './route-path';

describe('routes', () => {
  it('[deep link] a chat kept in ?next= comes back after signing in', () => {
    const login = { name: 'login', next: 'c/1 x' } as const;
    expect(routePath(login)).toBe('/login?next=%2Fchats%2Fc%252F1%2520x');
    expect(parseRoute('/login', '?next=%2Fchats%2Fc%252F1%2520x')).toEqual(login);
    expect(afterSignIn(login)).toEqual({ name: 'chat', chatId: 'c/1 x' });
    expect(afterSignIn(parseRoute('/register', '?next=/chats/abc'))).toEqual({ name: 'chat', chatId: 'abc' });
  });

  it('[deep link] next only ever names a chat: anything else signs in to home', () => {
    for (const next of ['//evil.example/chats/1', 'https://evil.example', '/login', '/', '']) {
      expect(parseRoute('/login', `?next=${encodeURIComponent(next)}`)).toEqual({ name: 'login' });
    }
    expect(afterSignIn({ name: 'login' })).toEqual({ name: 'home' });
    expect(routePath({ name: 'login' })).toBe('/login');
  });
});
