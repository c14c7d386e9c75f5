/** A resource's title and description fields: the upload form's and the Edit details form's. */
import { useId } from 'react';
import { useI18n } from '../i18n/useI18n.js';

export function ResourceFields(props: {
  title: string;
  description: string;
  onTitle: (v: string) => void;
  onDescription: (v: string) => void;
}) {
  const { t } = useI18n();
  const ids = { title: useId(), description: useId() };
  return (
    <>
      <div className="field">
        <label htmlFor={ids.title}>{t('upload.title')}</label>
        <input
          id={ids.title}
          type="text"
          maxLength={200}
          value={props.title}
          onChange={(e) => props.onTitle(e.target.value)}
        />
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
