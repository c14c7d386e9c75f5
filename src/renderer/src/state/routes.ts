/** The app's screens as paths (`/sessions/12`, `/students/<school>/<student>`), parsed from the hash, a notification's action URL or a navigate event. */

export type Route =
  | { name: 'dashboard' }
  | { name: 'sessions' }
  | { name: 'session'; id: number }
  | { name: 'students' }
  | { name: 'student'; schoolId: number; id: number }
  | { name: 'resources' }
  | { name: 'notifications' }
  | { name: 'settings' }
  | { name: 'attention' };

const SIMPLE = [
  'dashboard',
  'sessions',
  'students',
  'resources',
  'notifications',
  'settings',
  'attention',
] as const;

/**
 * Accepts `/sessions/12`, `#/sessions/12` and `classdesk://sessions/12`; anything unknown is the
 * dashboard. Announcements live on the notifications screen.
 */
export function parseRoute(input: string): Route {
  const path = input
    .trim()
    .replace(/^classdesk:\/\//, '/')
    .replace(/^#/, '')
    .split(/[?#]/)[0]!;
  const parts = path.split('/').filter(Boolean);
  const [head, second] = parts;
  if (head === 'sessions' && second !== undefined) {
    const id = Number(second);
    return Number.isInteger(id) && id > 0 ? { name: 'session', id } : { name: 'sessions' };
  }
  if (head === 'students' && second !== undefined) {
    const [schoolId, id] = [Number(second), Number(parts[2])];
    return [schoolId, id].every((n) => Number.isInteger(n) && n > 0)
      ? { name: 'student', schoolId, id }
      : { name: 'students' };
  }
  if (head === 'announcements') return { name: 'notifications' };
  const simple = SIMPLE.find((s) => s === head);
  return simple ? { name: simple } : { name: 'dashboard' };
}

export function routePath(route: Route): string {
  if (route.name === 'student') return `/students/${route.schoolId}/${route.id}`;
  return route.name === 'session' ? `/sessions/${route.id}` : `/${route.name}`;
}

export function routeHref(route: Route): string {
  return `#${routePath(route)}`;
}

/** The nav entry a route belongs to (a session page lights up "Sessions"). */
export function navSection(route: Route): Route['name'] {
  if (route.name === 'student') return 'students';
  return route.name === 'session' ? 'sessions' : route.name;
}
