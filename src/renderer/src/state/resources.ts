/** The teacher's resources: the list, opening files (with download progress) and uploads. */
import { create } from 'zustand';
import { call, edit, errorOf } from '../api.js';
import type { EditWrite, MutationInput, ResourceRow } from '../types.js';
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
  openErrors: Record<number, string>;
  /** Files downloaded into the device's cache since their list was read (prefetch or open). */
  onDevice: Record<number, true>;
  upload: UploadPhase;
  setSearch(search: string): void;
  load(schoolId: number | null): Promise<void>;
  open(resourceId: number): Promise<void>;
  onFileProgress(e: { resourceId: number | null; received: number; total: number | null }): void;
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
      const rows = await call('resources:list', { schoolId, ...(search ? { search } : {}) });
      if (mine !== seq) return;
      set({ rows, loaded: true, error: null, upload: arrived(get().upload, rows) });
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
      set({ openErrors: { ...get().openErrors, [resourceId]: errorOf(e).message } });
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
