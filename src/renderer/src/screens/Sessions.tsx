/** Every session on this device, searchable and filterable, in a list that stays smooth at any size. */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { ErrorLine, StatusBadge } from '../components/bits.js';
import { VirtualList } from '../components/VirtualList.js';
import { dateInputToIso } from '../i18n/format.js';
import { useI18n } from '../i18n/useI18n.js';
import { usePagedList } from '../lib/usePagedList.js';
import { PAGE_SIZE, sessionIndexAt, useSessionList } from '../state/lists.js';
import { rowAt } from '../state/paged.js';
import { routeHref } from '../state/routes.js';
import { useSchools } from '../state/schools.js';
import { SESSION_STATUSES, type SessionItem, type SessionStatus } from '../types.js';

const ROW_HEIGHT = 64;

export function SessionsScreen() {
  const { t, fmt } = useI18n();
  const ids = { search: useId(), status: useId(), from: useId(), to: useId() };
  const schools = useSchools((s) => s.schools);
  const { schoolId, filter, pages, total, error, search, setSearch, onRange } = usePagedList(useSessionList);

  // The list is ordered by start time: open it at today, and offer to come back to today.
  const [jump, setJump] = useState<{ index: number; seq: number } | null>(null);
  const goToToday = useCallback(async () => {
    const now = new Date();
    const index = await sessionIndexAt(
      new Date(now.getFullYear(), now.getMonth(), now.getDate()).toISOString(),
    );
    setJump((j) => ({ index, seq: (j?.seq ?? 0) + 1 }));
  }, []);
  const listKey = `${JSON.stringify(filter)}|${schoolId}`;
  const jumpedFor = useRef<string | null>(null);
  useEffect(() => {
    if (!total || jumpedFor.current === listKey) return;
    jumpedFor.current = listKey;
    void goToToday().catch(() => undefined);
  }, [total, listKey, goToToday]);

  const showSchool = schoolId === null && schools.length > 1;
  const schoolName = (id: number) => schools.find((s) => s.id === id)?.name ?? '';
  const filtered = !!(filter.search || filter.status || filter.from || filter.to);

  const renderRow = (s: SessionItem) => (
    <a href={routeHref({ name: 'session', id: s.id })} className="row-link" data-row-focus>
      <span className="row-main">
        <span className="row-title">{s.title}</span>
        <span className="muted">
          {[s.course_name, s.location, showSchool ? schoolName(s.school_id) : null]
            .filter(Boolean)
            .join(' · ')}
        </span>
      </span>
      <span className="row-when">
        <span>{fmt.day(s.starts_at)}</span>
        <span className="muted">{fmt.timeRange(s.starts_at, s.ends_at)}</span>
      </span>
      <span className="row-side">
        <StatusBadge status={s.status} />
        <span className="muted">{t('common.students', { count: s.student_count })}</span>
      </span>
    </a>
  );

  return (
    <div className="screen screen-fill">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('sessions.title')}</h1>
        <p className="muted" aria-live="polite">
          {total === null ? t('common.loading') : t('sessions.total', { count: total })}
        </p>
        {!!total && (
          <button type="button" onClick={() => void goToToday().catch(() => undefined)}>
            {t('sessions.goToToday')}
          </button>
        )}
      </div>
      <div className="filters" role="search">
        <div className="field">
          <label htmlFor={ids.search}>{t('sessions.search')}</label>
          <input id={ids.search} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.status}>{t('sessions.status')}</label>
          <select
            id={ids.status}
            value={filter.status}
            onChange={(e) =>
              useSessionList.getState().setFilter({ status: e.target.value as SessionStatus | '' })
            }
          >
            <option value="">{t('sessions.allStatuses')}</option>
            {SESSION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.from}>{t('sessions.from')}</label>
          <input
            id={ids.from}
            type="date"
            value={filter.from}
            max={filter.to || undefined}
            onChange={(e) =>
              useSessionList
                .getState()
                .setFilter({ from: e.target.value, fromIso: dateInputToIso(e.target.value) })
            }
          />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>{t('sessions.to')}</label>
          <input
            id={ids.to}
            type="date"
            value={filter.to}
            min={filter.from || undefined}
            onChange={(e) =>
              useSessionList
                .getState()
                .setFilter({ to: e.target.value, toIso: dateInputToIso(e.target.value, true) })
            }
          />
        </div>
        {filtered && (
          <button
            type="button"
            className="ghost"
            onClick={() => {
              setSearch('');
              useSessionList.getState().setFilter({
                search: '',
                status: '',
                from: '',
                to: '',
                fromIso: undefined,
                toIso: undefined,
              });
            }}
          >
            {t('common.clearFilters')}
          </button>
        )}
      </div>
      <ErrorLine error={error} />
      {total === 0 ? (
        <p className="empty">{filtered ? t('sessions.noMatch') : t('sessions.none')}</p>
      ) : (
        <VirtualList
          label={t('sessions.listLabel')}
          count={total ?? 0}
          rowHeight={ROW_HEIGHT}
          rowAt={(i) => rowAt(pages, i, PAGE_SIZE)}
          renderRow={renderRow}
          placeholder={<span className="row-placeholder muted">{t('common.loading')}</span>}
          onRange={onRange}
          resetKey={listKey}
          jump={jump}
        />
      )}
      <p className="hint muted">{t('sessions.keysHint')}</p>
    </div>
  );
}
