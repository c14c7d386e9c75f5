/**
 * A plan text field: a textarea that saves as the teacher types (lib/useAutosave.ts), and a
 * Preview of its Markdown.
 */
import { useId, useState, type ReactNode } from 'react';
import { useI18n } from '../../i18n/useI18n.js';
import { useAutosave } from '../../lib/useAutosave.js';
import { SaveStatus } from '../SaveStatus.js';
import { Markdown } from './Markdown.js';

export function MarkdownField(props: {
  label: string;
  /** Wraps the label (a heading for a field that is a section of its own). */
  heading?: (label: ReactNode) => ReactNode;
  stored: string;
  save: (value: string) => Promise<boolean>;
  failed: string;
  rows?: number;
  maxLength: number;
  online?: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  const statusId = useId();
  const hintId = useId();
  const [preview, setPreview] = useState(false);
  const field = useAutosave(props.stored, props.save);
  const labelId = useId();
  const label = (
    <label id={labelId} htmlFor={id}>
      {props.label}
    </label>
  );
  return (
    <div className="md-field">
      <div className="md-field-head">
        {props.heading ? props.heading(label) : label}
        <button
          type="button"
          className="link-button"
          aria-pressed={preview}
          // Named "Preview", described by its field's label (so the field's label names one control).
          aria-describedby={labelId}
          onClick={() => {
            field.flush();
            setPreview(!preview);
          }}
        >
          {t('plan.preview')}
        </button>
      </div>
      {preview ? (
        <Markdown source={field.value} className="md-preview" empty={t('plan.nothing')} />
      ) : (
        <textarea
          id={id}
          rows={props.rows ?? 4}
          maxLength={props.maxLength}
          value={field.value}
          aria-describedby={`${hintId} ${statusId}`}
          onChange={(e) => field.change(e.target.value)}
          onBlur={() => field.flush()}
        />
      )}
      <p id={hintId} className="visually-hidden">
        {t('plan.markdownHint')}
      </p>
      <SaveStatus id={statusId} state={field.state} failed={props.failed} online={props.online} />
    </div>
  );
}
