/** The audit log: every admin write, newest first — who, what, when, before → after. */
import { useCallback } from 'react';
import type { AuditItem } from '../../../shared/admin-api.js';
import { api, school, type Page } from '../api.js';
import { useT } from '../i18n.js';
import { ErrorLine, ExportButton, ListFooter, usePaged } from '../list.js';

const show = (v: Record<string, unknown> | null) =>
  v === null
    ? null
    : Object.entries(v)
        .map(([k, x]) => `${k}: ${typeof x === 'string' ? x : JSON.stringify(x)}`)
        .join('; ');

export function AuditScreen({ schoolId }: { schoolId: number }) {
  const { t, dateTime } = useT();
  const load = useCallback(
    (cursor?: string) => api<Page<AuditItem>>('GET', school(schoolId)('/audit'), { query: { cursor } }),
    [schoolId],
  );
  const list = usePaged(load);
  return (
    <div className="screen">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('audit.title')}</h1>
        <ExportButton
          fileName="audit-log.csv"
          load={load}
          header={[t('audit.when'), t('audit.who'), t('audit.what'), t('audit.subject'), t('audit.change')]}
          row={(e) => [
            e.created_at,
            e.actor_name,
            e.action,
            e.subject,
            `${show(e.before) ?? ''} → ${show(e.after) ?? ''}`,
          ]}
        />
      </div>
      <ErrorLine error={list.error} />
      {/* Its before → after column can be wide: the region scrolls, and takes the keyboard's focus to do so. */}
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t('audit.title')}>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.who')}</th>
              <th scope="col">{t('audit.what')}</th>
              <th scope="col">{t('audit.subject')}</th>
              <th scope="col">{t('audit.change')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((e) => (
              <tr key={e.id}>
                <td className="nowrap">{dateTime(e.created_at)}</td>
                <td>{e.actor_name}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>
                  <code>{e.subject}</code>
                </td>
                <td className="change">
                  <span className="before">{show(e.before) ?? t('audit.none')}</span> →{' '}
                  <span className="after">{show(e.after) ?? t('audit.none')}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter list={list} />
    </div>
  );
}
