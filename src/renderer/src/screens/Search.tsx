/**
 * Search everything on this device — sessions and their plans, notes and homework, students,
 * files, private notes — offline, with the matched words highlighted. Each hit leads where
 * it belongs: a session's page, a student's page, or the file itself.
 */
import { useEffect, useId } from 'react';
import { ErrorLine } from '../components/bits.js';
import { useI18n } from '../i18n/useI18n.js';
import type { MessageKey } from '../i18n/i18n.js';
import { useDebounced } from '../lib/useDebounced.js';
import { useChanges } from '../state/changes.js';
import { useResources } from '../state/resources.js';
import { routeHref } from '../state/routes.js';
import { useSchools } from '../state/schools.js';
import { useSearch } from '../state/search.js';
import type { SearchHit, TextSegment } from '../types.js';

const KIND_LABEL: Record<SearchHit['kind'], MessageKey> = {
  session: 'search.kind.session',
  student: 'search.kind.student',
  resource: 'search.kind.resource',
  student_note: 'search.kind.note',
};

function Highlighted({ parts }: { parts: TextSegment[] }) {
  return <>{parts.map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}</>;
}

function hitHref(h: SearchHit): string | null {
  if (h.kind === 'session') return routeHref({ name: 'session', id: h.id });
  if (h.student_id !== null) return routeHref({ name: 'students' });
  return null;
}

export function SearchScreen() {
  const { t, fmt } = useI18n();
  const inputId = useId();
  const schoolId = useSchools((s) => s.selected);
  const schools = useSchools((s) => s.schools);
  const version = useChanges((s) => s.version);
  const { query, hits, answered, error } = useSearch();
  const debounced = useDebounced(query, 150);

  useEffect(() => {
    void useSearch.getState().run(schoolId);
  }, [debounced, schoolId, version]);

  const showSchool = schoolId === null && schools.length > 1;

  return (
    <div className="screen">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('search.title')}</h1>
      </div>
      <div className="filters" role="search">
        <div className="field field-wide">
          <label htmlFor={inputId}>{t('search.label')}</label>
          <input
            id={inputId}
            type="search"
            autoFocus
            value={query}
            placeholder={t('search.placeholder')}
            onChange={(e) => useSearch.getState().setQuery(e.target.value)}
          />
        </div>
      </div>
      <ErrorLine error={error} />
      <p className="muted" aria-live="polite">
        {answered === null ? t('search.hint') : t('search.results', { count: hits.length })}
      </p>
      {hits.length > 0 && (
        <ul className="search-hits" aria-label={t('search.resultsLabel')}>
          {hits.map((h) => {
            const href = hitHref(h);
            const title = <Highlighted parts={h.title} />;
            return (
              <li key={`${h.kind}:${h.school_id}:${h.id}`} className="search-hit">
                <span className="badge">{t(KIND_LABEL[h.kind])}</span>
                <span className="row-main">
                  {href ? (
                    <a className="row-title" href={href}>
                      {title}
                    </a>
                  ) : (
                    <button
                      type="button"
                      className="link-button row-title"
                      onClick={() => void useResources.getState().open(h.id)}
                    >
                      {title}
                    </button>
                  )}
                  {h.snippet.some((s) => s.hit) && (
                    <span className="muted search-snippet">
                      <Highlighted parts={h.snippet} />
                    </span>
                  )}
                </span>
                <span className="row-side muted">
                  {[h.starts_at ? fmt.dateTime(h.starts_at) : null, showSchool ? h.school_name : null]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
