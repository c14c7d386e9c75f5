/** Errors that map to an HTTP status and a machine-readable code; the message is for people. */
export class AppError extends Error {
  /** More of the answer's body, beside `error` (a rejected import's report). */
  details?: Record<string, unknown>;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what = 'resource'): AppError => new AppError(404, 'not_found', `${what} not found`);
export const forbidden = (message = 'you do not have access to this school'): AppError =>
  new AppError(403, 'forbidden', message);
export const scopeRevoked = (): AppError =>
  new AppError(403, 'scope_revoked', 'your membership in this school is no longer active');
export const badRequest = (field: string, message: string): AppError =>
  new AppError(400, 'invalid_input', message, field);
export const unauthorized = (message = 'sign in required'): AppError =>
  new AppError(401, 'unauthorized', message);
