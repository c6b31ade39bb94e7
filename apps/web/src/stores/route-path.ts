/**
 * The app's few routes, read from and written to the URL (the server falls back to index.html).
 * `next` on the sign-in screens is the chat a signed-out deep link asked for (`/login?next=/chats/:id`);
 * only a chat route is ever taken from it, so it cannot redirect anywhere else.
 */
export type Route =
  | { name: 'login'; next?: string }
  | { name: 'register'; next?: string }
  | { name: 'home' }
  | { name: 'chat'; chatId: string };

function parsePath(pathname: string): Route {
  const chat = /^\/chats\/([^/]+)\/?$/.exec(pathname);
  if (chat?.[1]) return { name: 'chat', chatId: decodeURIComponent(chat[1]) };
  return { name: 'home' };
}

export function parseRoute(pathname: string, search = ''): Route {
  if (pathname === '/login' || pathname === '/register') {
    const name = pathname === '/login' ? 'login' : 'register';
    const target = parsePath(new URLSearchParams(search).get('next') ?? '');
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
    default: {
      const next = route.next
        ? `?next=${encodeURIComponent(routePath({ name: 'chat', chatId: route.next }))}`
        : '';
      return `/${route.name}${next}`;
    }
  }
}

/** Where signing in leads: back to the deep-linked chat, else home. */
export function afterSignIn(route: Route): Route {
  return (route.name === 'login' || route.name === 'register') && route.next
    ? { name: 'chat', chatId: route.next }
    : { name: 'home' };
}
