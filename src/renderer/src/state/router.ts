/** The current screen, kept in the location hash so links are plain `<a href="#/…">`. */
import { create } from 'zustand';
import { parseRoute, routePath, type Route } from './routes.js';

interface RouterStore {
  route: Route;
  navigate(to: string | Route): void;
}

const currentHash = () => (typeof location !== 'undefined' ? location.hash : '');

export const useRouter = create<RouterStore>()((set) => ({
  route: parseRoute(currentHash()),
  navigate(to) {
    const route = typeof to === 'string' ? parseRoute(to) : to;
    const hash = `#${routePath(route)}`;
    if (typeof location !== 'undefined' && location.hash !== hash) location.hash = hash;
    set({ route });
  },
}));

/** Follows back/forward and typed links; returns the unsubscribe function. */
export function startRouter(): () => void {
  const onHash = () => useRouter.setState({ route: parseRoute(currentHash()) });
  window.addEventListener('hashchange', onHash);
  return () => window.removeEventListener('hashchange', onHash);
}
