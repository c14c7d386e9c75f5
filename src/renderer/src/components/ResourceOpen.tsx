/** "Open" for a resource file, with download progress while the file cache fetches it. */
import { useI18n } from '../i18n/useI18n.js';
import { useResources } from '../state/resources.js';
import type { ResourceRow } from '../types.js';

export function ResourceOpen({ resource }: { resource: Pick<ResourceRow, 'id' | 'title' | 'scan_status'> }) {
  const { t, fmt } = useI18n();
  const download = useResources((s) => s.downloads[resource.id]);
  const error = useResources((s) => s.openErrors[resource.id]);
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
      <span aria-live="polite" className="muted">
        {download &&
          (download.total
            ? t('resources.downloading', { percent: fmt.percent(download.received / download.total) })
            : t('resources.opening'))}
      </span>
      {error && (
        <span role="alert" className="error">
          {t('resources.openFailed', { message: error })}
        </span>
      )}
    </span>
  );
}

export function ScanNote({ status }: { status: ResourceRow['scan_status'] }) {
  const { t } = useI18n();
  if (status === 'clean') return null;
  return <span className={`badge scan-${status}`}>{t(`scan.${status}`)}</span>;
}
