/**
 * The console's one way to the server: the same HTTP API (and so the same checks) as every other
 * client. Errors carry the server's code, message and field.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** The whole error body, for answers that carry more than the error (an import's report). */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

let token: string | null = sessionStorage.getItem('classdesk-console-token');
let onSignedOut: () => void = () => undefined;

export function setToken(t: string | null): void {
  token = t;
  if (t) sessionStorage.setItem('classdesk-console-token', t);
  else sessionStorage.removeItem('classdesk-console-token');
}
export const hasToken = (): boolean => token !== null;
/** Called when the server says the session is over (401). */
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

/** `body` is sent as JSON, or as multipart/form-data when it is a FormData (files). */
export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  o: { query?: Record<string, string | number | undefined>; body?: unknown } = {},
): Promise<T> {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(o.query ?? {}))
    if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  const form = o.body instanceof FormData;
  // A FormData body gets its content type (with the multipart boundary) from fetch itself.
  if (o.body !== undefined && !form) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: o.body === undefined ? undefined : form ? (o.body as FormData) : JSON.stringify(o.body),
    });
  } catch {
    throw new ApiError(0, 'unreachable', 'the server cannot be reached');
  }
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => null)) as {
    error?: { code: string; message: string; field?: string };
  } | null;
  if (!res.ok) {
    const e = body?.error;
    if (res.status === 401 && token) {
      setToken(null);
      onSignedOut();
    }
    throw new ApiError(
      res.status,
      e?.code ?? 'error',
      e?.message ?? `HTTP ${res.status}`,
      e?.field,
      body ?? undefined,
    );
  }
  return body as T;
}

/** The admin API of one school. */
export const school = (schoolId: number) => (path: string) => `/api/admin/schools/${schoolId}${path}`;
