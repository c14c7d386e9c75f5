/** Maps whatever a command threw to an exit code and a one-line message (never a token or password). */
import { SignInError, TransportError } from '../main/core/device.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';

/** The exit code and one-line message for anything a command threw. */
export function describeError(e: unknown): { code: ExitCode; message: string } {
  if (e instanceof CliError) return { code: e.exitCode, message: e.message };
  if (e instanceof SignInError) {
    switch (e.code) {
      case 'unreachable':
        return { code: EXIT.OFFLINE, message: `server unreachable: ${e.message}` };
      case 'wrong_credentials':
        return { code: EXIT.SIGN_IN_FAILED, message: `sign-in failed: ${e.message}` };
      case 'rate_limited':
        return { code: EXIT.SIGN_IN_FAILED, message: `sign-in failed (too many attempts): ${e.message}` };
      default:
        return { code: EXIT.UNEXPECTED, message: `sign-in failed: ${e.message}` };
    }
  }
  if (e instanceof TransportError) {
    if (e.kind === 'offline') return { code: EXIT.OFFLINE, message: `server unreachable: ${e.message}` };
    if (e.status === 401)
      return { code: EXIT.SIGN_IN_FAILED, message: `the server refused the sign-in: ${e.message}` };
    return {
      code: EXIT.UNEXPECTED,
      message: `the server answered an error${e.status ? ` (${e.status})` : ''}: ${e.message}`,
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: EXIT.UNEXPECTED, message: `unexpected error: ${message}` };
}
