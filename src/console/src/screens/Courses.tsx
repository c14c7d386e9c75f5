/** Courses: the list (with how many sessions each has) and a new course. */
import { useCallback, useState, type FormEvent } from 'react';
import type { CourseItem } from '../../../shared/admin-api.js';
import { api, school, type Page } from '../api.js';
import { useT } from '../i18n.js';
import { ErrorLine, ExportButton, ListFooter, Said, useAction, usePaged } from '../list.js';

export function CoursesScreen({ schoolId }: { schoolId: number }) {
  const { t } = useT();
  const at = school(schoolId);
  const load = useCallback(
    (cursor?: string) => api<Page<CourseItem>>('GET', at('/courses'), { query: { cursor } }),
    [schoolId],
  );
  const courses = usePaged(load);
  const action = useAction();
  const [said, setSaid] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const create = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api('POST', at('/courses'), { body: { name, code } });
      setSaid(t('courses.created', { name }));
      setName('');
      setCode('');
      await courses.reload();
    });
  };
  return (
    <div className="screen">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('courses.title')}</h1>
        <ExportButton
          fileName="courses.csv"
          load={load}
          header={[t('courses.name'), t('courses.code'), t('courses.sessions')]}
          row={(c) => [c.name, c.code, c.session_count]}
        />
      </div>
      <ErrorLine error={courses.error} />
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('courses.name')}</th>
              <th scope="col">{t('courses.code')}</th>
              <th scope="col" className="num">
                {t('courses.sessions')}
              </th>
            </tr>
          </thead>
          <tbody>
            {courses.items.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>{c.code}</td>
                <td className="num">{c.session_count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter list={courses} />
      <section className="card" aria-labelledby="new-course">
        <h2 id="new-course">{t('courses.create')}</h2>
        <form className="inline-form" onSubmit={create}>
          <div className="field">
            <label htmlFor="course-name">{t('courses.name')}</label>
            <input
              id="course-name"
              type="text"
              required
              maxLength={200}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="course-code">{t('courses.code')}</label>
            <input
              id="course-code"
              type="text"
              required
              maxLength={40}
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.busy}>
              {t('courses.submit')}
            </button>
          </div>
        </form>
        <ErrorLine error={action.error} />
        <Said text={said} />
      </section>
    </div>
  );
}
