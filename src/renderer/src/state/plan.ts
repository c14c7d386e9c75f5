/**
 * Lesson plans from the session page (docs/ARCHITECTURE.md, "Lesson plans"): per-field plan
 * edits, the teacher's templates (every school's), and printing a plan page to PDF.
 */
import { create } from 'zustand';
import { newRowId } from '../../../shared/row-id.js';
import { call, edit, errorOf } from '../api.js';
import type {
  MutationInput,
  PlanContent,
  PlanTemplateItem,
  PrintResult,
  SessionDetail,
  SessionItem,
} from '../types.js';

/** What a print page shows: one session's plan, or every lesson of its week. */
export interface PrintDoc {
  key: string;
  anchor: SessionDetail;
  sessions: SessionItem[];
  /** The week's first day (local midnight), for a week. */
  weekStart: string | null;
}

/** Monday 00:00 (local time) of the week holding `iso`, and the Monday after. */
export function weekOf(iso: string): { from: Date; to: Date } {
  const d = new Date(iso);
  const from = new Date(d.getFullYear(), d.getMonth(), d.getDate() - ((d.getDay() + 6) % 7));
  const to = new Date(from.getFullYear(), from.getMonth(), from.getDate() + 7);
  return { from, to };
}

/** The plan fields an update_lesson_plan edit may carry. */
export type PlanFields = Omit<MutationInput<'update_lesson_plan'>, 'session_id'>;

interface PlanStore {
  templates: PlanTemplateItem[] | null;
  print: PrintDoc | null;
  /** Loads the plan of session `id` for printing, or its week's in `schoolId` (null: every school). */
  loadPrint(id: number, week: boolean, schoolId: number | null): Promise<void>;
  error: { code: string; message: string } | null;
  /** Writes some of a session's plan fields; resolves with whether the core took the edit. */
  savePlan(sessionId: number, fields: PlanFields): Promise<boolean>;
  /** Replaces a session's plan content (from a template or the last lesson) in one edit. */
  applyContent(sessionId: number, content: PlanContent): Promise<boolean>;
  loadTemplates(): Promise<void>;
  saveTemplate(schoolId: number, name: string, content: PlanContent): Promise<boolean>;
  deleteTemplate(templateId: number): Promise<boolean>;
  /** Prints the page on screen to a PDF; null after a failure (shown as `error`). */
  printPdf(fileName: string): Promise<PrintResult | null>;
  openLink(url: string): void;
  clearError(): void;
}

export const useLessonPlan = create<PlanStore>()((set, get) => {
  const attempt = async <T>(work: () => Promise<T>): Promise<T | null> => {
    try {
      const v = await work();
      set({ error: null });
      return v;
    } catch (e) {
      set({ error: errorOf(e) });
      return null;
    }
  };
  return {
    templates: null,
    print: null,
    error: null,
    async loadPrint(id, week, schoolId) {
      const key = `${id}:${week}:${schoolId}`;
      await attempt(async () => {
        const anchor = await call('session:get', { sessionId: id });
        if (!anchor) {
          set({ print: null });
          return;
        }
        if (!week) {
          set({ print: { key, anchor, sessions: [anchor.session], weekStart: null } });
          return;
        }
        const { from, to } = weekOf(anchor.session.starts_at);
        const page = await call('sessions:list', {
          schoolId,
          from: from.toISOString(),
          to: to.toISOString(),
          limit: 500,
          offset: 0,
        });
        const sessions = page.rows.filter((s) => s.status !== 'cancelled');
        set({ print: { key, anchor, sessions, weekStart: from.toISOString() } });
      });
    },
    async savePlan(sessionId, fields) {
      return (await attempt(() => edit('update_lesson_plan', { session_id: sessionId, ...fields }))) !== null;
    },
    async applyContent(sessionId, c) {
      return get().savePlan(sessionId, {
        objectives: c.objectives,
        activities: c.activities,
        materials: c.materials,
        homework: c.homework,
        notes: c.notes,
      });
    },
    async loadTemplates() {
      const templates = await attempt(() => call('templates:list'));
      if (templates) set({ templates });
    },
    async saveTemplate(schoolId, name, content) {
      const ok = await attempt(() =>
        edit('save_plan_template', { template_id: newRowId(), school_id: schoolId, name, content }),
      );
      if (ok) await get().loadTemplates();
      return ok !== null;
    },
    async deleteTemplate(templateId) {
      const ok = await attempt(() => edit('delete_plan_template', { template_id: templateId }));
      if (ok) await get().loadTemplates();
      return ok !== null;
    },
    async printPdf(fileName) {
      return attempt(() => call('print:pdf', { fileName }));
    },
    openLink(url) {
      void attempt(() => call('external:open', { url }));
    },
    clearError() {
      set({ error: null });
    },
  };
});
