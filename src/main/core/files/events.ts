/** What the file cache reports while it works (typed like the sync engine's events). */

export interface FileProgress {
  resourceId: number;
  /** Bytes of the file on disk so far, including a prefix kept from an interrupted download. */
  received: number;
  total: number;
}

export interface FileUploaded {
  uploadId: string;
  /** The new resource's id (null only if the server's 201 answer could not be read). */
  resourceId: number | null;
  schoolId: number;
  sha256: string;
}

export interface FileFailure {
  op: 'download' | 'upload';
  resourceId?: number;
  uploadId?: string;
  code: string;
  message: string;
  /** The upload was refused and moved to the attention list. */
  attention: boolean;
}

/** Bytes of a queued upload handed to the network so far; `inFlight` false once the attempt ended. */
export interface UploadProgress {
  uploadId: string;
  sent: number;
  total: number;
  inFlight: boolean;
}

export interface FileCacheEvents {
  progress: [FileProgress];
  'upload-progress': [UploadProgress];
  uploaded: [FileUploaded];
  /** Only emitted when someone listens (an unheard 'error' would throw). */
  error: [FileFailure];
}
