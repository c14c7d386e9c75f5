/** An error the IPC dispatcher turns into `{ ok: false, error: { code, message } }`. */
export class ShellError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
