/** A resource's title and description fields: the upload form's and the Edit details form's. */
import { useId } from 'react';
import { useI18n } from '../i18n/useI18n.js';

/** The server's limit on a resource title (src/shared/api.ts); longer is refused at the field, never cut. */
export const TITLE_MAX = 200;

export const titleTooLong = (title: string) => title.trim().length > TITLE_MAX;

export function ResourceFields(props: {
  title: string;
  description: string;
  onTitle: (v: string) => void;
  onDescription: (v: string) => void;
}) {
  const { t } = useI18n();
  const ids = { title: useId(), description: useId(), titleError: useId() };
  const tooLong = titleTooLong(props.title);
  return (
    <>
      <div className="field">
        <label htmlFor={ids.title}>{t('upload.title')}</label>
        <input
          id={ids.title}
          type="text"
          value={props.title}
          aria-invalid={tooLong || undefined}
          aria-describedby={tooLong ? ids.titleError : undefined}
          onChange={(e) => props.onTitle(e.target.value)}
        />
        {tooLong && (
          <p id={ids.titleError} role="alert" className="error field-error">
            {t('field.titleTooLong', { count: props.title.trim().length, max: TITLE_MAX })}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={ids.description}>{t('upload.description')}</label>
        <textarea
          id={ids.description}
          rows={3}
          maxLength={5000}
          value={props.description}
          onChange={(e) => props.onDescription(e.target.value)}
        />
      </div>
    </>
  );
}
