/**
 * "Open" for a resource file, with download progress while the file cache fetches it, and the note
 * of what happened when it could not open — placed by the caller under the row (OpenNote), so a
 * message never squeezes the table. A file not on the device while offline is offered for download
 * once the device is back online.
 */
import { useI18n } from '../i18n/useI18n.js';
import { useResources } from '../state/resources.js';
import type { ResourceRow } from '../types.js';

type Resource = Pick<ResourceRow, 'id' | 'title' | 'scan_status'>;

export function ResourceOpen({ resource }: { resource: Resource }) {
  const { t, fmt } = useI18n();
  const download = useResources((s) => s.downloads[resource.id]);
  const blocked = resource.scan_status === 'infected';
  return (
    <span className="resource-open">
      <button
        type="button"
        disabled={blocked || download !== undefined}
        aria-label={t('resources.openNamed', { title: resource.title })}
        onClick={() => void useResources.getState().open(resource.id)}
      >
        {t('resources.open')}
      </button>
      <span aria-live="polite" className="muted nowrap">
        {download &&
          (download.total
            ? t('resources.downloading', { percent: fmt.percent(download.received / download.total) })
            : t('resources.opening'))}
      </span>
    </span>
  );
}

/** Whether a resource has a note to show under its row. */
export function useHasOpenNote(resourceId: number): boolean {
  return useResources((s) => s.openErrors[resourceId] !== undefined || s.later[resourceId] !== undefined);
}

/** Why the file did not open, or what will happen to it; null when there is nothing to say. */
export function OpenNote({ resource }: { resource: Resource }) {
  const { t } = useI18n();
  const problem = useResources((s) => s.openErrors[resource.id]);
  const later = useResources((s) => s.later[resource.id]);
  if (!problem && !later) return null;
  const close = (
    <button
      type="button"
      className="ghost"
      onClick={() => useResources.getState().closeOpenNote(resource.id)}
    >
      {t('common.closeNotice')}
    </button>
  );
  if (problem?.code === 'offline')
    return (
      <div className="open-note warn" role="alert">
        <span>{t('resources.notOffline', { title: resource.title })}</span>
        <button type="button" onClick={() => useResources.getState().fetchWhenOnline(resource.id)}>
          {t('resources.fetchWhenOnline')}
        </button>
        {close}
      </div>
    );
  if (problem)
    return (
      <div className="open-note error" role="alert">
        <span>{t('resources.openFailed', { message: problem.message })}</span>
        {close}
      </div>
    );
  return (
    <div className="open-note" role="status">
      <span>
        {later === 'done'
          ? t('resources.fetched', { title: resource.title })
          : t('resources.willFetch', { title: resource.title })}
      </span>
      {close}
    </div>
  );
}

export function ScanNote({ status }: { status: ResourceRow['scan_status'] }) {
  const { t } = useI18n();
  if (status === 'clean') return null;
  return <span className={`badge scan-${status}`}>{t(`scan.${status}`)}</span>;
}
