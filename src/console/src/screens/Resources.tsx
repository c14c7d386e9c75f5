/** The files teachers uploaded, with their virus-scan status. */
import { useCallback, useState } from 'react';
import type { ResourceItem } from '../../../shared/admin-api.js';
import { SCAN_STATUSES } from '../../../shared/entities.js';
import { api, school, type Page } from '../api.js';
import { useT, type ConsoleKey } from '../i18n.js';
import { ErrorLine, ExportButton, ListFooter, usePaged } from '../list.js';

const size = (locale: string, bytes: number) =>
  new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: bytes >= 1e6 ? 'megabyte' : 'kilobyte',
    maximumFractionDigits: 1,
  }).format(bytes >= 1e6 ? bytes / 1e6 : bytes / 1e3);

export function ResourcesScreen({ schoolId }: { schoolId: number }) {
  const { t, dateTime, locale } = useT();
  const [scan, setScan] = useState('');
  const load = useCallback(
    (cursor?: string) =>
      api<Page<ResourceItem>>('GET', school(schoolId)('/resources'), {
        query: { cursor, scan_status: scan },
      }),
    [schoolId, scan],
  );
  const list = usePaged(load);
  const scanName = (s: string) => t(`scan.${s}` as ConsoleKey);
  return (
    <div className="screen">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('resources.title')}</h1>
        <div className="field inline">
          <label htmlFor="scan-filter">{t('resources.scan')}</label>
          <select id="scan-filter" value={scan} onChange={(e) => setScan(e.target.value)}>
            <option value="">{t('scan.any')}</option>
            {SCAN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {scanName(s)}
              </option>
            ))}
          </select>
        </div>
        <ExportButton
          fileName="resources.csv"
          load={load}
          header={[
            t('resources.file'),
            t('resources.teacher'),
            t('resources.size'),
            t('resources.scan'),
            t('resources.when'),
          ]}
          row={(r) => [r.title, r.teacher_name, r.size, scanName(r.scan_status), r.created_at]}
        />
      </div>
      <ErrorLine error={list.error} />
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('resources.file')}</th>
              <th scope="col">{t('resources.teacher')}</th>
              <th scope="col" className="num">
                {t('resources.size')}
              </th>
              <th scope="col">{t('resources.scan')}</th>
              <th scope="col">{t('resources.when')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((r) => (
              <tr key={r.id}>
                <td>
                  {r.title} <span className="muted small">{r.mime_type}</span>
                </td>
                <td>{r.teacher_name}</td>
                <td className="num">{size(locale, r.size)}</td>
                <td>
                  <span className={`badge scan-${r.scan_status}`}>{scanName(r.scan_status)}</span>
                </td>
                <td>{dateTime(r.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter list={list} />
    </div>
  );
}
