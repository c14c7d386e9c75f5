/** A small HTTP client for tests: JSON in and out, bearer token, the raw Response kept. */
import { checkResponse } from './contract.js';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  /** The body as received, for checks that no foreign data leaked into it. */
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  raw?: BodyInit;
}

/** The error body every failed request answers (see ApiError in src/shared/protocol.ts). */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export class TestApi {
  constructor(
    readonly baseUrl: string,
    public token?: string,
  ) {}

  async request<T = unknown>(
    method: string,
    url: string,
    opts: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const u = new URL(url, this.baseUrl);
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined) u.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...opts.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body: BodyInit | undefined = opts.raw;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(u, { method, headers, body });
    const text = await res.text();
    // The client throws when the answer breaks the OpenAPI document (docs/ARCHITECTURE.md).
    checkResponse(method, u, res.status, res.headers, text);
    let parsed: unknown = text;
    if (res.headers.get('content-type')?.includes('application/json'))
      parsed = text ? JSON.parse(text) : null;
    return { status: res.status, body: parsed as T, headers: res.headers, text };
  }

  /** A request whose answer is kept as bytes (file downloads). */
  async bytes(
    url: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
    const u = new URL(url, this.baseUrl);
    const res = await fetch(u, {
      headers: { ...headers, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    checkResponse('GET', u, res.status, res.headers, bytes.toString('utf8'));
    return { status: res.status, bytes, headers: res.headers };
  }

  get<T = unknown>(url: string, query?: Record<string, string | number | undefined>) {
    return this.request<T>('GET', url, { query });
  }
  post<T = unknown>(url: string, body?: unknown) {
    return this.request<T>('POST', url, { body });
  }
  put<T = unknown>(url: string, body?: unknown) {
    return this.request<T>('PUT', url, { body });
  }
  patch<T = unknown>(url: string, body?: unknown) {
    return this.request<T>('PATCH', url, { body });
  }
  delete<T = unknown>(url: string) {
    return this.request<T>('DELETE', url);
  }

  /** Signs in and keeps the token; returns the user id. */
  async login(email: string, password = 'classdesk-demo'): Promise<number> {
    const r = await this.post<{ token: string; user: { id: number } }>('/api/auth/login', {
      email,
      password,
    });
    if (r.status !== 200) throw new Error(`login ${email} failed: ${r.status} ${r.text}`);
    this.token = r.body.token;
    return r.body.user.id;
  }
}

export async function signedIn(baseUrl: string, email: string): Promise<TestApi & { userId: number }> {
  const api = new TestApi(baseUrl);
  const userId = await api.login(email);
  return Object.assign(api, { userId });
}
