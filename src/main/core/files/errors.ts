/** Errors of the file cache: a machine-readable code and a message the UI can show. */
export type FileCacheErrorCode =
  | 'not_found'
  | 'not_scanned'
  | 'integrity'
  | 'offline'
  | 'http'
  | 'invalid_args'
  | 'aborted'
  | 'file_missing';

export class FileCacheError extends Error {
  constructor(
    readonly code: FileCacheErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
