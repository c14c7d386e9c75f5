/** Editing a resource's details (title, description, shared with students, courses): one edit, synced later. */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/useI18n.js';
import { ResourceFields, titleTooLong } from './ResourceFields.js';
import { useCourses } from '../state/courses.js';
import { useResources } from '../state/resources.js';
import type { ResourceRow } from '../types.js';

export function ResourceEdit({ resource, onDone }: { resource: ResourceRow; onDone: () => void }) {
  const { t } = useI18n();
  const sharedId = useId();
  const [title, setTitle] = useState(resource.title);
  const [description, setDescription] = useState(resource.description);
  const [shared, setShared] = useState(resource.shared_with_students);
  const [courseIds, setCourseIds] = useState<number[]>(resource.course_ids);
  const [problem, setProblem] = useState<string | null>(null);
  const courses = useCourses((s) => s.bySchool[resource.school_id]);
  const sameCourses =
    courseIds.length === resource.course_ids.length &&
    courseIds.every((c) => resource.course_ids.includes(c));

  useEffect(() => {
    void useCourses.getState().load(resource.school_id);
  }, [resource.school_id]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) return setProblem(t('upload.needTitle'));
    // The field says what is wrong; nothing is sent.
    if (titleTooLong(title)) return setProblem(null);
    const changes = {
      ...(title.trim() !== resource.title ? { title: title.trim() } : {}),
      ...(description !== resource.description ? { description } : {}),
      ...(shared !== resource.shared_with_students ? { shared_with_students: shared } : {}),
      ...(sameCourses ? {} : { course_ids: courseIds }),
    };
    if (Object.keys(changes).length === 0) return onDone();
    setProblem(null);
    void useResources
      .getState()
      .updateDetails(resource.id, changes)
      .then((error) => (error ? setProblem(error) : onDone()));
  };

  return (
    <form
      className="resource-edit"
      onSubmit={submit}
      noValidate
      aria-label={t('resources.editNamed', { title: resource.title })}
    >
      <ResourceFields
        title={title}
        description={description}
        onTitle={setTitle}
        onDescription={setDescription}
      />
      <div className="field checkbox">
        <input id={sharedId} type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
        <label htmlFor={sharedId}>{t('resources.shared')}</label>
      </div>
      <fieldset className="course-picks">
        <legend>{t('resources.courses')}</legend>
        {courses && courses.length === 0 && <p className="muted">{t('resources.noCourses')}</p>}
        {courses?.map((c) => (
          <div key={c.id} className="field checkbox">
            <input
              id={`${sharedId}-course-${c.id}`}
              type="checkbox"
              checked={courseIds.includes(c.id)}
              onChange={(e) =>
                setCourseIds(e.target.checked ? [...courseIds, c.id] : courseIds.filter((id) => id !== c.id))
              }
            />
            <label htmlFor={`${sharedId}-course-${c.id}`}>
              {c.name} ({c.code})
            </label>
          </div>
        ))}
      </fieldset>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary">
          {t('resources.save')}
        </button>
        <button type="button" onClick={onDone}>
          {t('resources.cancelEdit')}
        </button>
      </div>
    </form>
  );
}
