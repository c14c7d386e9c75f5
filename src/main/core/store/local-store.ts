/**
 * The device's local store: one SQLite database per signed-in user and server. It holds the
 * scoped view of each school as last pulled, with the teacher's pending edits applied on top,
 * the sync state, the outbox, the "needs attention" list and the quarantine of a revoked
 * school's pending edits.
 *
 * A facade over its parts, one concern each: the database and its one statement cache
 * (database.ts), pending edits (outbox.ts), pulled rows and checksums (pull-apply.ts),
 * revocation and the quarantine (revocation.ts), and the file cache's rows (file-tables.ts).
 * Writes are synchronous better-sqlite3 transactions (atomic, and the hot path of a sync); reads
 * for the UI go through Kysely (queries.ts, dashboard.ts). `secure_delete` is on, so deleted
 * rows are overwritten in the file, and revocation truncates the WAL: nothing of a revoked
 * school stays in the database's bytes. Code outside this folder uses the facade's methods only:
 * the raw database is reached through `storeDatabase`, for the store's own read queries
 * (queries.ts, dashboard.ts) and for tests.
 */
import { ALL_ON, FeatureFlags } from '../../../shared/feature-flags.js';
import { FileTables } from './file-tables.js';
import { Outbox } from './outbox.js';
import { PullApply } from './pull-apply.js';
import { Revocation } from './revocation.js';
import { StoreDatabase, type OpenOptions } from './database.js';

export type { OpenOptions } from './database.js';
export { StoreError, type OutboxEntry, type SettleResult } from './outbox.js';
export type { ApplyResult, PullBatch } from './pull-apply.js';
export type { QuarantineDocument } from './revocation.js';
export type { UploadLinks } from './file-tables.js';
export { TABLE_OF } from './tables.js';

let databaseOf: (store: LocalStore) => StoreDatabase;

/**
 * The database under a store (Kysely, better-sqlite3 and the shared statement cache): for the
 * store's own read queries and for tests; the rest of the app uses the facade's methods
 * (docs/ARCHITECTURE.md, "The desktop app").
 */
export function storeDatabase(store: LocalStore): StoreDatabase {
  return databaseOf(store);
}

export class LocalStore {
  static {
    databaseOf = (store) => store.#d;
  }

  readonly #d: StoreDatabase;
  readonly file: string;
  // Outbox
  readonly enqueue: Outbox['enqueue'];
  readonly pending: Outbox['pending'];
  readonly pendingCount: Outbox['pendingCount'];
  readonly settle: Outbox['settle'];
  readonly attention: Outbox['attention'];
  readonly dismissAttention: Outbox['dismissAttention'];
  // PullApply
  readonly syncState: PullApply['syncState'];
  readonly schoolIds: PullApply['schoolIds'];
  readonly holdsSchool: PullApply['holdsSchool'];
  readonly applyPullBatch: PullApply['applyPullBatch'];
  readonly applyNotification: PullApply['applyNotification'];
  readonly localChecksum: PullApply['localChecksum'];
  readonly resetSchool: PullApply['resetSchool'];
  // Revocation
  readonly revokeSchool: Revocation['revokeSchool'];
  readonly scrub: Revocation['scrub'];
  readonly referencedHashes: Revocation['referencedHashes'];
  readonly quarantine: Revocation['quarantine'];
  readonly quarantineExport: Revocation['quarantineExport'];
  readonly discardQuarantine: Revocation['discardQuarantine'];
  // FileTables
  readonly resourceFile: FileTables['resourceFile'];
  readonly upcomingResources: FileTables['upcomingResources'];
  readonly pinnedFileHashes: FileTables['pinnedFileHashes'];
  readonly cachedFile: FileTables['cachedFile'];
  readonly cachedFiles: FileTables['cachedFiles'];
  readonly recordCachedFile: FileTables['recordCachedFile'];
  readonly touchCachedFile: FileTables['touchCachedFile'];
  readonly forgetCachedFiles: FileTables['forgetCachedFiles'];
  readonly addPendingUpload: FileTables['addPendingUpload'];
  readonly pendingUploads: FileTables['pendingUploads'];
  readonly setPendingUploadError: FileTables['setPendingUploadError'];
  readonly resourceMatchingUpload: FileTables['resourceMatchingUpload'];
  readonly completePendingUpload: FileTables['completePendingUpload'];
  readonly rejectPendingUpload: FileTables['rejectPendingUpload'];
  readonly requeueUpload: FileTables['requeueUpload'];
  readonly missingIn: FileTables['missingIn'];
  readonly sessionResourceIds: FileTables['sessionResourceIds'];
  readonly setUploadLinks: FileTables['setUploadLinks'];
  readonly uploadLinks: FileTables['uploadLinks'];
  readonly uploadsToAttach: FileTables['uploadsToAttach'];
  readonly attachedUpload: FileTables['attachedUpload'];

  private constructor(d: StoreDatabase) {
    this.#d = d;
    this.file = d.file;
    const outbox = new Outbox(d);
    const pulls = new PullApply(d, outbox);
    const revocation = new Revocation(d, pulls);
    const files = new FileTables(d);
    this.enqueue = outbox.enqueue.bind(outbox);
    this.pending = outbox.pending.bind(outbox);
    this.pendingCount = outbox.pendingCount.bind(outbox);
    this.settle = outbox.settle.bind(outbox);
    this.attention = outbox.attention.bind(outbox);
    this.dismissAttention = outbox.dismissAttention.bind(outbox);
    this.syncState = pulls.syncState.bind(pulls);
    this.schoolIds = pulls.schoolIds.bind(pulls);
    this.holdsSchool = pulls.holdsSchool.bind(pulls);
    this.applyPullBatch = pulls.applyPullBatch.bind(pulls);
    this.applyNotification = pulls.applyNotification.bind(pulls);
    this.localChecksum = pulls.localChecksum.bind(pulls);
    this.resetSchool = pulls.resetSchool.bind(pulls);
    this.revokeSchool = revocation.revokeSchool.bind(revocation);
    this.scrub = revocation.scrub.bind(revocation);
    this.referencedHashes = revocation.referencedHashes.bind(revocation);
    this.quarantine = revocation.quarantine.bind(revocation);
    this.quarantineExport = revocation.quarantineExport.bind(revocation);
    this.discardQuarantine = revocation.discardQuarantine.bind(revocation);
    this.resourceFile = files.resourceFile.bind(files);
    this.upcomingResources = files.upcomingResources.bind(files);
    this.pinnedFileHashes = files.pinnedFileHashes.bind(files);
    this.cachedFile = files.cachedFile.bind(files);
    this.cachedFiles = files.cachedFiles.bind(files);
    this.recordCachedFile = files.recordCachedFile.bind(files);
    this.touchCachedFile = files.touchCachedFile.bind(files);
    this.forgetCachedFiles = files.forgetCachedFiles.bind(files);
    this.addPendingUpload = files.addPendingUpload.bind(files);
    this.pendingUploads = files.pendingUploads.bind(files);
    this.setPendingUploadError = files.setPendingUploadError.bind(files);
    this.resourceMatchingUpload = files.resourceMatchingUpload.bind(files);
    this.completePendingUpload = files.completePendingUpload.bind(files);
    this.rejectPendingUpload = files.rejectPendingUpload.bind(files);
    this.requeueUpload = files.requeueUpload.bind(files);
    this.missingIn = files.missingIn.bind(files);
    this.sessionResourceIds = files.sessionResourceIds.bind(files);
    this.setUploadLinks = files.setUploadLinks.bind(files);
    this.uploadLinks = files.uploadLinks.bind(files);
    this.uploadsToAttach = files.uploadsToAttach.bind(files);
    this.attachedUpload = files.attachedUpload.bind(files);
  }

  static async open(file: string, opts: OpenOptions = {}): Promise<LocalStore> {
    return new LocalStore(await StoreDatabase.open(file, opts));
  }

  getMeta(key: string): string | undefined {
    return this.#d.getMeta(key);
  }

  setMeta(key: string, value: string): void {
    this.#d.setMeta(key, value);
  }

  /**
   * A school's feature flags as its last pull gave them (docs/ARCHITECTURE.md, "Feature flags"),
   * kept in the meta table so an offline app behaves the same; all on before the first pull.
   */
  featureFlags(schoolId: number): FeatureFlags {
    const raw = this.#d.getMeta(`feature_flags:${schoolId}`);
    if (raw === undefined) return { ...ALL_ON };
    try {
      const r = FeatureFlags.safeParse(JSON.parse(raw));
      return r.success ? r.data : { ...ALL_ON };
    } catch {
      return { ...ALL_ON };
    }
  }

  /** Keeps a school's flags from a pull; answers whether they changed. */
  setFeatureFlags(schoolId: number, flags: FeatureFlags): boolean {
    const value = JSON.stringify(flags);
    if (this.#d.getMeta(`feature_flags:${schoolId}`) === value) return false;
    this.#d.setMeta(`feature_flags:${schoolId}`, value);
    return true;
  }

  /** This device's id in push requests (stable for the life of the store). */
  get clientId(): string {
    return this.#d.getMeta('client_id')!;
  }

  async close(): Promise<void> {
    await this.#d.close();
  }
}
