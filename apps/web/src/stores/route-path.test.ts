import { describe, expect, it } from 'vitest';
import { afterSignIn, parseRoute, routePath, signInFor } from './route-path';

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

  it('[invite] an invite link opened signed out waits through sign-in (and a switch to sign-up)', () => {
    const invite = { name: 'invite', token: 'AbC_-9' } as const;
    expect(routePath(invite)).toBe('/invite/AbC_-9');
    expect(parseRoute('/invite/AbC_-9')).toEqual(invite);
    const login = signInFor(invite);
    expect(routePath(login)).toBe('/login?next=%2Finvite%2FAbC_-9');
    const register = parseRoute('/register', '?next=%2Finvite%2FAbC_-9');
    expect(register).toEqual({ name: 'register', invite: 'AbC_-9' });
    expect(afterSignIn(register)).toEqual(invite);
    expect(signInFor({ name: 'chat', chatId: 'c1' })).toEqual({ name: 'login', next: 'c1' });
  });
});
