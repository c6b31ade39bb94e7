import { create } from 'zustand';

/** The app's few routes, read from and written to the URL (the server falls back to index.html). */
export type Route =
  | { name: 'login' }
  | { name: 'register' }
  | { name: 'home' }
  | { name: 'chat'; chatId: string };

export function parseRoute(pathname: string): Route {
  if (pathname === '/login') return { name: 'login' };
  if (pathname === '/register') return { name: 'register' };
  const chat = /^\/chats\/([^/]+)\/?$/.exec(pathname);
  if (chat?.[1]) return { name: 'chat', chatId: decodeURIComponent(chat[1]) };
  return { name: 'home' };
}

export function routePath(route: Route): string {
  switch (route.name) {
    case 'chat':
      return `/chats/${encodeURIComponent(route.chatId)}`;
    case 'home':
      return '/';
    default:
      return `/${route.name}`;
  }
}

interface RouteState {
  route: Route;
  navigate(route: Route, opts?: { replace?: boolean }): void;
}

export const useRoute = create<RouteState>((set) => ({
  route: parseRoute(window.location.pathname),
  navigate: (route, opts) => {
    const path = routePath(route);
    if (path !== window.location.pathname) {
      if (opts?.replace) window.history.replaceState(null, '', path);
      else window.history.pushState(null, '', path);
    }
    set({ route });
  },
}));

window.addEventListener('popstate', () => useRoute.setState({ route: parseRoute(window.location.pathname) }));
