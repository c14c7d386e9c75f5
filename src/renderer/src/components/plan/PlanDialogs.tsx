/** The plan's dialogs: save as template (a name), and the template picker (use or delete). */
import { useEffect, useId, useState } from 'react';
import { Modal } from '../bits.js';
import { useI18n } from '../../i18n/useI18n.js';
import { useLessonPlan } from '../../state/plan.js';
import type { PlanContent, PlanTemplateItem } from '../../types.js';

export function SaveTemplateDialog(props: {
  open: boolean;
  defaultName: string;
  onSave: (name: string) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState(props.defaultName);
  const inputId = useId();
  useEffect(() => {
    if (props.open) setName(props.defaultName);
  }, [props.open, props.defaultName]);
  const trimmed = name.trim();
  return (
    <Modal className="plan-dialog" open={props.open} title={t('plan.saveTemplate')} onClose={props.onClose}>
      <form
        aria-label={t('plan.saveTemplate')}
        onSubmit={(e) => {
          e.preventDefault();
          if (!trimmed) return;
          props.onSave(trimmed);
          props.onClose();
        }}
      >
        <label htmlFor={inputId}>{t('plan.templateName')}</label>
        <input
          id={inputId}
          type="text"
          required
          maxLength={120}
          value={name}
          // The dialog opens for this one field.
          autoFocus
          onChange={(e) => setName(e.target.value)}
        />
        <div className="form-actions">
          <button type="button" onClick={props.onClose}>
            {t('confirm.back')}
          </button>
          <button type="submit" className="primary" disabled={!trimmed}>
            {t('plan.save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function TemplatePicker(props: {
  open: boolean;
  onUse: (content: PlanContent) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const templates = useLessonPlan((s) => s.templates);
  const [deleting, setDeleting] = useState<number | null>(null);
  useEffect(() => {
    if (props.open) {
      setDeleting(null);
      void useLessonPlan.getState().loadTemplates();
    }
  }, [props.open]);
  const item = (tpl: PlanTemplateItem) =>
    deleting === tpl.id ? (
      <li key={tpl.id} className="template-item">
        <span className="row-main">{t('plan.deleteConfirm', { name: tpl.name })}</span>
        <span className="template-actions">
          <button type="button" onClick={() => setDeleting(null)}>
            {t('confirm.back')}
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              setDeleting(null);
              void useLessonPlan.getState().deleteTemplate(tpl.id);
            }}
          >
            {t('plan.delete')}
          </button>
        </span>
      </li>
    ) : (
      <li key={tpl.id} className="template-item">
        <span className="row-main">
          <span className="row-title">{tpl.name}</span>
          <span className="muted">{t('plan.templateSchool', { school: tpl.school_name })}</span>
        </span>
        <span className="template-actions">
          <button
            type="button"
            className="primary"
            aria-label={t('plan.useTemplate', { name: tpl.name })}
            onClick={() => {
              props.onUse(tpl.content);
              props.onClose();
            }}
          >
            {t('plan.use')}
          </button>
          <button
            type="button"
            aria-label={t('plan.deleteTemplate', { name: tpl.name })}
            onClick={() => setDeleting(tpl.id)}
          >
            {t('plan.delete')}
          </button>
        </span>
      </li>
    );
  return (
    <Modal className="plan-dialog" open={props.open} title={t('plan.fromTemplate')} onClose={props.onClose}>
      <p className="muted">{t('plan.applyWarning')}</p>
      {templates === null ? (
        <p className="muted">{t('common.loading')}</p>
      ) : templates.length === 0 ? (
        <p className="muted">{t('plan.noTemplates')}</p>
      ) : (
        <ul className="plain-list template-list" aria-label={t('plan.templates')}>
          {templates.map(item)}
        </ul>
      )}
      <div className="form-actions">
        <button type="button" onClick={props.onClose}>
          {t('plan.close')}
        </button>
      </div>
    </Modal>
  );
}
