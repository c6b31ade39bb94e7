import { create } from 'zustand';
import { parseRoute, type Route, routePath } from './route-path';

export { afterSignIn, parseRoute, type Route, routePath, signInFor } from './route-path';

/** A message to bring into view and highlight for a moment (`jumpToMessage` sets it once loaded). */
export interface JumpTarget {
  chatId: string;
  seq: number;
  /** Tells two jumps to the same message apart. */
  nonce: number;
}

interface RouteState {
  route: Route;
  jump: JumpTarget | null;
  navigate(route: Route, opts?: { replace?: boolean }): void;
  /** Opens the chat (if another is open) and asks its list to scroll to `seq` and highlight it. */
  jumpTo(chatId: string, seq: number): void;
  clearJump(nonce: number): void;
}

let jumps = 0;

const currentPath = () => window.location.pathname + window.location.search;

export const useRoute = create<RouteState>((set, get) => ({
  route: parseRoute(window.location.pathname, window.location.search),
  jump: null,
  jumpTo: (chatId, seq) => {
    const { route, navigate } = get();
    if (route.name !== 'chat' || route.chatId !== chatId) navigate({ name: 'chat', chatId });
    set({ jump: { chatId, seq, nonce: ++jumps } });
  },
  clearJump: (nonce) => set((s) => (s.jump?.nonce === nonce ? { jump: null } : s)),
  navigate: (route, opts) => {
    const path = routePath(route);
    if (path !== currentPath()) {
      if (opts?.replace) window.history.replaceState(null, '', path);
      else window.history.pushState(null, '', path);
    }
    set({ route });
  },
}));

window.addEventListener('popstate', () =>
  useRoute.setState({ route: parseRoute(window.location.pathname, window.location.search) }),
);
