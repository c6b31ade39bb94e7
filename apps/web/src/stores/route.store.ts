import { create } from 'zustand';
import { parseRoute, type Route, routePath } from './route-path';

export { afterSignIn, parseRoute, type Route, routePath, signInFor } from './route-path';

interface RouteState {
  route: Route;
  navigate(route: Route, opts?: { replace?: boolean }): void;
}

const currentPath = () => window.location.pathname + window.location.search;

export const useRoute = create<RouteState>((set) => ({
  route: parseRoute(window.location.pathname, window.location.search),
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
