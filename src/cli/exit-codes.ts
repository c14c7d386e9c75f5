/** The CLI's exit codes (documented in `--help` and docs/CLI.md) and the error that carries one. */

export const EXIT = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  VERIFY_MISMATCH: 3,
  OFFLINE: 4,
  SIGN_IN_FAILED: 5,
  NOT_LOGGED_IN: 6,
  EDIT_REFUSED: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An expected failure: a one-line message for stderr and the exit code that goes with it. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(EXIT.USAGE, message);
  }
}
