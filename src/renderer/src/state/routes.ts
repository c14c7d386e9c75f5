/** The app's screens as paths (`/sessions/12`, `/students/<school>/<student>`), parsed from the hash, a notification's action URL or a navigate event. */

export type Route =
  | { name: 'dashboard' }
  | { name: 'sessions' }
  | { name: 'session'; id: number }
  /** A session's plan (or its week's plans) laid out for printing. */
  | { name: 'planPrint'; id: number; week: boolean }
  | { name: 'students' }
  | { name: 'student'; schoolId: number; id: number }
  | { name: 'resources' }
  | { name: 'notifications' }
  | { name: 'settings' }
  | { name: 'attention' }
  | { name: 'search' }
  | { name: 'week'; start?: string };

const SIMPLE = [
  'dashboard',
  'sessions',
  'students',
  'resources',
  'notifications',
  'settings',
  'attention',
  'search',
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
  const [head, second, third] = parts;
  if (head === 'sessions' && second !== undefined) {
    const id = Number(second);
    if (!Number.isInteger(id) || id <= 0) return { name: 'sessions' };
    if (third === 'print' || third === 'print-week')
      return { name: 'planPrint', id, week: third === 'print-week' };
    return { name: 'session', id };
  }
  if (head === 'students' && second !== undefined) {
    const [schoolId, id] = [Number(second), Number(parts[2])];
    return [schoolId, id].every((n) => Number.isInteger(n) && n > 0)
      ? { name: 'student', schoolId, id }
      : { name: 'students' };
  }
  if (head === 'announcements') return { name: 'notifications' };
  if (head === 'week')
    return second && /^\d{4}-\d{2}-\d{2}$/.test(second) ? { name: 'week', start: second } : { name: 'week' };
  const simple = SIMPLE.find((s) => s === head);
  return simple ? { name: simple } : { name: 'dashboard' };
}

export function routePath(route: Route): string {
  if (route.name === 'student') return `/students/${route.schoolId}/${route.id}`;
  if (route.name === 'planPrint') return `/sessions/${route.id}/${route.week ? 'print-week' : 'print'}`;
  if (route.name === 'session') return `/sessions/${route.id}`;
  if (route.name === 'week' && route.start) return `/week/${route.start}`;
  return `/${route.name}`;
}

export function routeHref(route: Route): string {
  return `#${routePath(route)}`;
}

/** The nav entry a route belongs to (a session page lights up "Sessions"). */
export function navSection(route: Route): Route['name'] {
  if (route.name === 'student') return 'students';
  return route.name === 'session' || route.name === 'planPrint' ? 'sessions' : route.name;
}
