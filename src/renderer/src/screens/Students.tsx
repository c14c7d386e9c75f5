/** The students of the teacher's sessions, searchable, read a page at a time; each opens the student's page. */
import { useId } from 'react';
import { ErrorLine } from '../components/bits.js';
import { VirtualList } from '../components/VirtualList.js';
import { useI18n } from '../i18n/useI18n.js';
import { usePagedList } from '../lib/usePagedList.js';
import { PAGE_SIZE, useStudentList } from '../state/lists.js';
import { rowAt } from '../state/paged.js';
import { routeHref } from '../state/routes.js';
import { useSchools } from '../state/schools.js';
import type { StudentItem } from '../types.js';

const ROW_HEIGHT = 56;

export function StudentsScreen() {
  const { t } = useI18n();
  const searchId = useId();
  const schools = useSchools((s) => s.schools);
  const { schoolId, filter, pages, total, error, search, setSearch, onRange } = usePagedList(useStudentList);

  const showSchool = schoolId === null && schools.length > 1;

  const renderRow = (s: StudentItem) => (
    <a
      href={routeHref({ name: 'student', schoolId: s.school_id, id: s.id })}
      className="row-link"
      data-row-focus
    >
      <span className="row-main">
        <span className="row-title">{s.name}</span>
        <span className="muted">{s.email}</span>
      </span>
      {showSchool && <span className="muted">{schools.find((x) => x.id === s.school_id)?.name}</span>}
      <span className="row-side muted">{t('common.sessions', { count: s.session_count })}</span>
    </a>
  );

  return (
    <div className="screen screen-fill">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('students.title')}</h1>
        <p className="muted" aria-live="polite">
          {total === null ? t('common.loading') : t('common.students', { count: total })}
        </p>
      </div>
      <div className="filters" role="search">
        <div className="field">
          <label htmlFor={searchId}>{t('students.search')}</label>
          <input id={searchId} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
      </div>
      <ErrorLine error={error} />
      {total === 0 ? (
        <p className="empty">{filter.search ? t('students.noMatch') : t('students.none')}</p>
      ) : (
        <VirtualList
          label={t('students.listLabel')}
          count={total ?? 0}
          rowHeight={ROW_HEIGHT}
          rowAt={(i) => rowAt(pages, i, PAGE_SIZE)}
          renderRow={renderRow}
          placeholder={<span className="row-placeholder muted">{t('common.loading')}</span>}
          onRange={onRange}
          resetKey={`${filter.search}|${schoolId}`}
        />
      )}
    </div>
  );
}
