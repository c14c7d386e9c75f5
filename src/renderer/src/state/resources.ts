/**
 * The teacher's resources: the list, opening files (with download progress), files asked for
 * while offline (downloaded once the device is back online), and uploads — queued ones listed
 * with their progress until the server has them.
 */
import { create } from 'zustand';
import { call, edit, errorOf } from '../api.js';
import type { EditWrite, MutationInput, PendingUpload, ResourceRow } from '../types.js';
import { withWrites } from './edit-writes.js';

export interface Download {
  received: number;
  total: number | null;
}

export type UploadPhase =
  | { phase: 'idle' }
  | { phase: 'reading' }
  | { phase: 'sending' }
  | { phase: 'queued'; offline: boolean; title: string; at: string }
  | { phase: 'uploaded'; title: string }
  | { phase: 'failed'; message: string };

/** Why a file did not open: offline (not on this device) gets its own words and an offer. */
export interface OpenProblem {
  code: string;
  message: string;
}

/** A file asked for while offline: waiting for the connection, or downloaded since. */
export type FetchLater = 'waiting' | 'fetching' | 'done';

export interface UploadRequest {
  schoolId: number;
  title: string;
  description: string;
  file: { name: string; arrayBuffer(): Promise<ArrayBuffer> };
  online: boolean;
  /** Courses of the school to attach the file to. */
  courseIds?: number[];
  /** A session to attach the file to once the server has it ("upload and attach"). */
  sessionId?: number;
}

interface ResourcesStore {
  search: string;
  schoolId: number | null;
  rows: ResourceRow[];
  loaded: boolean;
  error: { code: string; message: string } | null;
  /** Files being opened: download progress (total null until the server says). */
  downloads: Record<number, Download>;
  openErrors: Record<number, OpenProblem>;
  /** Files downloaded into the device's cache since their list was read (prefetch or open). */
  onDevice: Record<number, true>;
  /** Files to download once the device is back online. */
  later: Record<number, FetchLater>;
  /** Uploads waiting on this device for the server, and the bytes sent of the one in flight. */
  pendingUploads: PendingUpload[];
  uploadProgress: Record<string, { sent: number; total: number; inFlight: boolean }>;
  upload: UploadPhase;
  setSearch(search: string): void;
  load(schoolId: number | null): Promise<void>;
  open(resourceId: number): Promise<void>;
  onFileProgress(e: { resourceId: number | null; received: number; total: number | null }): void;
  /** Clears a file's note ("couldn't open", "will download", "downloaded"). */
  closeOpenNote(resourceId: number): void;
  /** Downloads the file once the device is back online. */
  fetchWhenOnline(resourceId: number): void;
  /** The device is online: downloads the files asked for meanwhile. */
  fetchWaiting(): Promise<void>;
  onUploadProgress(e: { uploadId: string; sent: number; total: number; inFlight: boolean }): void;
  uploadFile(req: UploadRequest): Promise<boolean>;
  resetUpload(): void;
  /** Edits a resource's details; resolves with the error message, or null once the core has it. */
  updateDetails(
    resourceId: number,
    changes: Omit<MutationInput<'update_resource_metadata'>, 'resource_id'>,
  ): Promise<string | null>;
  /** Shows the field writes of an edit the core has just applied. */
  applyWrites(writes: readonly EditWrite[]): void;
}

let seq = 0;

/** A queued upload becomes "uploaded" once the server's row for it reaches the list. */
export function arrived(upload: UploadPhase, rows: readonly ResourceRow[]): UploadPhase {
  if (upload.phase !== 'queued') return upload;
  // Clocks differ a little between the device and the server: allow a minute.
  const since = new Date(Date.parse(upload.at) - 60_000).toISOString();
  return rows.some((r) => r.title === upload.title && r.created_at >= since)
    ? { phase: 'uploaded', title: upload.title }
    : upload;
}

export const useResources = create<ResourcesStore>()((set, get) => ({
  search: '',
  schoolId: null,
  rows: [],
  loaded: false,
  error: null,
  downloads: {},
  openErrors: {},
  onDevice: {},
  later: {},
  pendingUploads: [],
  uploadProgress: {},
  upload: { phase: 'idle' },
  setSearch(search) {
    set({ search });
    void get().load(get().schoolId);
  },
  async load(schoolId) {
    const mine = ++seq;
    if (schoolId !== get().schoolId) set({ schoolId, loaded: false });
    const search = get().search.trim().slice(0, 200);
    try {
      const [rows, uploads] = await Promise.all([
        call('resources:list', { schoolId, ...(search ? { search } : {}) }),
        call('uploads:list', { schoolId }),
      ]);
      if (mine !== seq) return;
      const needle = search.toLowerCase();
      const pendingUploads = uploads.filter((u) => !needle || u.title.toLowerCase().includes(needle));
      const uploadProgress = Object.fromEntries(
        Object.entries(get().uploadProgress).filter(([id]) => uploads.some((u) => u.id === id)),
      );
      set({
        rows,
        pendingUploads,
        uploadProgress,
        loaded: true,
        error: null,
        upload: arrived(get().upload, rows),
      });
    } catch (e) {
      if (mine === seq) set({ error: errorOf(e), loaded: true });
    }
  },
  async open(resourceId) {
    const { [resourceId]: _, ...openErrors } = get().openErrors;
    set({ downloads: { ...get().downloads, [resourceId]: { received: 0, total: null } }, openErrors });
    try {
      await call('resource:open', { resourceId });
    } catch (e) {
      set({ openErrors: { ...get().openErrors, [resourceId]: errorOf(e) } });
    } finally {
      const { [resourceId]: _done, ...downloads } = get().downloads;
      set({ downloads });
    }
  },
  onFileProgress(e) {
    if (e.resourceId === null) return;
    if (e.total !== null && e.received >= e.total && !get().onDevice[e.resourceId])
      set({ onDevice: { ...get().onDevice, [e.resourceId]: true } });
    if (!(e.resourceId in get().downloads)) return;
    set({ downloads: { ...get().downloads, [e.resourceId]: { received: e.received, total: e.total } } });
  },
  closeOpenNote(resourceId) {
    // Closing a "will download" note also cancels the download asked for.
    const { [resourceId]: _, ...openErrors } = get().openErrors;
    const { [resourceId]: _later, ...later } = get().later;
    set({ openErrors, later });
  },
  fetchWhenOnline(resourceId) {
    const { [resourceId]: _, ...openErrors } = get().openErrors;
    set({ openErrors, later: { ...get().later, [resourceId]: 'waiting' } });
  },
  async fetchWaiting() {
    const waiting = Object.entries(get().later)
      .filter(([, state]) => state === 'waiting')
      .map(([id]) => Number(id));
    if (waiting.length === 0) return;
    // Taken at once, so a status event arriving meanwhile does not fetch them twice.
    set({ later: { ...get().later, ...Object.fromEntries(waiting.map((id) => [id, 'fetching' as const])) } });
    for (const resourceId of waiting) {
      set({ downloads: { ...get().downloads, [resourceId]: { received: 0, total: null } } });
      try {
        await call('resource:fetch', { resourceId });
        set({ later: { ...get().later, [resourceId]: 'done' } });
      } catch (e) {
        const problem = errorOf(e);
        // Offline again: it waits for the next time the device is online.
        if (problem.code === 'offline') set({ later: { ...get().later, [resourceId]: 'waiting' } });
        else {
          const { [resourceId]: _, ...later } = get().later;
          set({ later, openErrors: { ...get().openErrors, [resourceId]: problem } });
        }
      } finally {
        const { [resourceId]: _done, ...downloads } = get().downloads;
        set({ downloads });
      }
    }
  },
  onUploadProgress(e) {
    const p = { sent: e.sent, total: e.total, inFlight: e.inFlight };
    set({ uploadProgress: { ...get().uploadProgress, [e.uploadId]: p } });
  },
  async uploadFile(req) {
    set({ upload: { phase: 'reading' } });
    try {
      const bytes = new Uint8Array(await req.file.arrayBuffer());
      set({ upload: { phase: 'sending' } });
      await call('resource:upload', {
        schoolId: req.schoolId,
        title: req.title.trim(),
        description: req.description,
        fileName: req.file.name,
        bytes,
        ...(req.courseIds?.length ? { courseIds: req.courseIds } : {}),
        ...(req.sessionId !== undefined ? { sessionId: req.sessionId } : {}),
      });
      set({
        upload: {
          phase: 'queued',
          offline: !req.online,
          title: req.title.trim(),
          at: new Date().toISOString(),
        },
      });
      await get().load(get().schoolId);
      return true;
    } catch (e) {
      set({ upload: { phase: 'failed', message: errorOf(e).message } });
      return false;
    }
  },
  resetUpload() {
    set({ upload: { phase: 'idle' } });
  },
  async updateDetails(resourceId, changes) {
    try {
      await edit('update_resource_metadata', { resource_id: resourceId, ...changes });
      return null;
    } catch (e) {
      return errorOf(e).message;
    }
  },
  applyWrites(writes) {
    const rows = get().rows;
    const next = rows.map((r) => withWrites(r, 'resources', r.id, writes));
    if (next.some((r, i) => r !== rows[i])) set({ rows: next });
  },
}));
