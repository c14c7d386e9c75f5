/** A small HTTP client for tests: JSON in and out, bearer token, the raw Response kept. */
export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export class TestApi {
  constructor(
    readonly baseUrl: string,
    public token?: string,
  ) {}

  async request<T = any>(
    method: string,
    url: string,
    opts: { body?: unknown; query?: Record<string, string | number | undefined>; headers?: Record<string, string>; raw?: BodyInit } = {},
  ): Promise<ApiResponse<T>> {
    const u = new URL(url, this.baseUrl);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...opts.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body: BodyInit | undefined = opts.raw;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(u, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if (res.headers.get('content-type')?.includes('application/json')) parsed = text ? JSON.parse(text) : null;
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(url: string, query?: Record<string, string | number | undefined>) {
    return this.request<T>('GET', url, { query });
  }
  post<T = any>(url: string, body?: unknown) {
    return this.request<T>('POST', url, { body });
  }
  patch<T = any>(url: string, body?: unknown) {
    return this.request<T>('PATCH', url, { body });
  }
  delete<T = any>(url: string) {
    return this.request<T>('DELETE', url);
  }

  /** Signs in and keeps the token; returns the user id. */
  async login(email: string, password = 'classdesk-demo'): Promise<number> {
    const r = await this.post<{ token: string; user: { id: number } }>('/api/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login ${email} failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.token = r.body.token;
    return r.body.user.id;
  }
}

export async function signedIn(baseUrl: string, email: string): Promise<TestApi & { userId: number }> {
  const api = new TestApi(baseUrl);
  const userId = await api.login(email);
  return Object.assign(api, { userId });
}
