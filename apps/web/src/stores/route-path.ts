/**
 * The app's few routes, read from and written to the URL (the server falls back to index.html).
 * `next` on the sign-in screens is the chat a signed-out deep link asked for (`/login?next=/chats/:id`);
 * only a chat route is ever taken from it, so it cannot redirect anywhere else.
 */
export type Route =
  | { name: 'login'; next?: string; invite?: string }
  | { name: 'register'; next?: string; invite?: string }
  | { name: 'home' }
  | { name: 'chat'; chatId: string }
  /** `/invite/<token>`: an invite link; signed out, it waits in `?next=` through sign-in or sign-up. */
  | { name: 'invite'; token: string };

function parsePath(pathname: string): Route {
  const chat = /^\/chats\/([^/]+)\/?$/.exec(pathname);
  if (chat?.[1]) return { name: 'chat', chatId: decodeURIComponent(chat[1]) };
  const invite = /^\/invite\/([^/]+)\/?$/.exec(pathname);
  if (invite?.[1]) return { name: 'invite', token: decodeURIComponent(invite[1]) };
  return { name: 'home' };
}

export function parseRoute(pathname: string, search = ''): Route {
  if (pathname === '/login' || pathname === '/register') {
    const name = pathname === '/login' ? 'login' : 'register';
    const target = parsePath(new URLSearchParams(search).get('next') ?? '');
    if (target.name === 'invite') return { name, invite: target.token };
    return target.name === 'chat' ? { name, next: target.chatId } : { name };
  }
  return parsePath(pathname);
}

export function routePath(route: Route): string {
  switch (route.name) {
    case 'chat':
      return `/chats/${encodeURIComponent(route.chatId)}`;
    case 'home':
      return '/';
    case 'invite':
      return `/invite/${encodeURIComponent(route.token)}`;
    default: {
      const target: Route | undefined = route.next
        ? { name: 'chat', chatId: route.next }
        : route.invite
          ? { name: 'invite', token: route.invite }
          : undefined;
      const next = target ? `?next=${encodeURIComponent(routePath(target))}` : '';
      return `/${route.name}${next}`;
    }
  }
}

/** Where signing in leads: back to the deep-linked chat or invite link, else home. */
export function afterSignIn(route: Route): Route {
  if (route.name !== 'login' && route.name !== 'register') return { name: 'home' };
  if (route.next) return { name: 'chat', chatId: route.next };
  if (route.invite) return { name: 'invite', token: route.invite };
  return { name: 'home' };
}

/** Where a signed-out visit goes: the sign-in screen, keeping a chat or invite link to return to. */
export function signInFor(route: Route): Route {
  if (route.name === 'chat') return { name: 'login', next: route.chatId };
  if (route.name === 'invite') return { name: 'login', invite: route.token };
  return { name: 'login' };
}
