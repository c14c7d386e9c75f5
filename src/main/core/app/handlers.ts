/**
 * The handler of every IPC channel, written once. The Electron shell registers these with
 * ipcMain; the browser harness answers the same contract over a loopback WebSocket. Arguments
 * arrive already validated against the contract (src/shared/ipc.ts).
 */
import type { IpcArgs, IpcChannel, IpcResult, PrintResult, UpdateState } from '../../../shared/ipc.js';
import {
  dashboard,
  listAnnouncements,
  listCourses,
  listNotifications,
  listResources,
  listSchools,
  listSessions,
  listStudents,
  listTemplates,
  sessionDetail,
  studentDetail,
  unreadCount,
} from '../store/queries.js';
import { search } from '../store/search.js';
import { AppError, type AppController } from './controller.js';

export type IpcHandlers = { [C in IpcChannel]: (...args: IpcArgs<C>) => Promise<IpcResult<C>> };

/** What differs between the Electron shell and the harness. */
export interface Platform {
  version: string;
  platform: string;
  harness: boolean;
  /** The teacher's time zone for calendar ranges. */
  timeZone(): string;
  /** Opens a cached file with the OS's default app (the harness only reports the path). */
  openPath(path: string): Promise<void>;
  openExternal(url: string): Promise<void>;
  updateState(): UpdateState;
  installUpdate(): Promise<void>;
  /**
   * Prints the app's page with its print stylesheet to a PDF file the teacher picks (Electron's
   * printToPDF); the harness answers `browser`: the page prints itself in Chromium.
   */
  printToPdf(fileName: string): Promise<PrintResult>;
}

export function createHandlers(app: AppController, platform: Platform): IpcHandlers {
  const store = () => app.device().store;
  return {
    'app:info': async () => ({
      version: platform.version,
      platform: platform.platform,
      harness: platform.harness,
    }),
    'auth:state': async () => app.authState(),
    'auth:signIn': async ({ serverUrl, email, password }) => app.signIn(serverUrl, email, password),
    'auth:signOut': async () => app.signOut(),
    'schools:list': async () => listSchools(store()),
    'dashboard:get': async ({ schoolId, range }) =>
      dashboard(store(), { schoolId, range, now: app.deps.clock.now(), timeZone: platform.timeZone() }),
    'sessions:list': async (q) => listSessions(store(), q),
    'session:get': async ({ sessionId }) => sessionDetail(store(), sessionId),
    'students:list': async (q) => listStudents(store(), q),
    'search:query': async (q) => search(store(), q),
    'student:get': async (q) => studentDetail(store(), q),
    'courses:list': async (q) => listCourses(store(), q),
    'resources:list': async (q) => listResources(store(), q),
    'resource:open': async ({ resourceId }) => {
      const path = await app.device().files.ensure(resourceId);
      await platform.openPath(path);
      return { path };
    },
    'resource:fetch': async ({ resourceId }) => ({ path: await app.device().files.ensure(resourceId) }),
    'uploads:list': async ({ schoolId }) =>
      store()
        .pendingUploads()
        .filter((u) => schoolId === null || u.school_id === schoolId)
        .map((u) => ({
          id: u.id,
          school_id: u.school_id,
          title: u.title,
          file_name: u.file_name,
          size: u.size,
          created_at: u.created_at,
          last_error: u.last_error,
        })),
    'resource:upload': async (u) => {
      const row = await app.device().files.queueUpload({
        schoolId: u.schoolId,
        title: u.title,
        description: u.description,
        fileName: u.fileName,
        bytes: u.bytes,
        ...(u.courseIds ? { courseIds: u.courseIds } : {}),
        ...(u.sessionId !== undefined ? { sessionId: u.sessionId } : {}),
      });
      app.device().engine.requestSync('upload queued');
      return { id: row.id };
    },
    'announcements:list': async (q) => listAnnouncements(store(), q),
    'notifications:list': async ({ schoolId, unreadOnly }) => ({
      rows: await listNotifications(store(), { schoolId, unreadOnly }),
      unread: await unreadCount(store(), schoolId),
    }),
    edit: async ({ type, args }) => {
      const entry = app.device().engine.edit(type, args);
      return { id: entry.id };
    },
    'sync:now': async () => {
      const engine = app.device().engine;
      engine.requestSync('requested by the teacher');
      await engine.idle();
      return engine.status;
    },
    'sync:status': async () => app.device().engine.status,
    'attention:list': async () => store().attention(),
    'attention:retry': async ({ id }) => {
      const d = app.device();
      const item = d.store.attention().find((a) => a.id === id);
      if (item?.type === 'upload_resource') d.files.retryUpload(id);
      else d.engine.retry(id);
      d.engine.requestSync('retry');
      return { ok: true as const };
    },
    'attention:discard': async ({ id }) => {
      app.device().engine.discard(id);
      return { ok: true as const };
    },
    'quarantine:list': async () => store().quarantine(),
    'quarantine:export': async () => {
      const now = app.deps.clock.now();
      const auth = app.authState();
      const doc = store().quarantineExport(now, {
        server: auth.serverUrl,
        user: auth.user ? { id: auth.user.id, email: auth.user.email } : null,
      });
      return {
        fileName: `classdesk-quarantine-${now.toISOString().slice(0, 10)}.json`,
        json: JSON.stringify(doc, null, 2),
      };
    },
    'quarantine:discard': async ({ id }) => {
      const d = app.device();
      const item = d.store.quarantine().find((q) => q.id === id);
      if (!item || !d.store.discardQuarantine(id))
        throw new AppError('not_found', 'this kept-aside edit is not on this device');
      // A kept-aside upload's file goes with it, unless something else still uses the bytes.
      const sha256 =
        item.type === 'upload_resource' ? /"sha256":"([0-9a-f]{64})"/.exec(item.args)?.[1] : undefined;
      if (sha256 && !d.store.referencedHashes([sha256]).has(sha256)) await d.files.removeHashes([sha256]);
      d.engine.refreshStatus();
      return { ok: true as const };
    },
    'settings:get': async () => app.settings.get(),
    'settings:set': async (patch) => app.setSettings(patch),
    'emailPrefs:get': async () => app.device().transport.emailPreferences(),
    'flags:get': async () =>
      store()
        .schoolIds()
        .map((schoolId) => ({ schoolId, flags: store().featureFlags(schoolId) })),
    'emailPrefs:set': async (change) => app.device().transport.setEmailPreferences(change),
    'update:state': async () => platform.updateState(),
    'update:install': async () => {
      await platform.installUpdate();
      return { ok: true as const };
    },
    'external:open': async ({ url }) => {
      await platform.openExternal(url);
      return { ok: true as const };
    },
    'templates:list': async () => listTemplates(store()),
    'print:pdf': async ({ fileName }) => platform.printToPdf(fileName),
  };
}
