/**
 * Every edit type, performed the way a teacher performs it: clicks and keystrokes in the real
 * renderer (harness, Chromium). Each case answers how to find its effect on the server through
 * the server's HTTP API. The map is keyed by mutation type, so a new type without a case is a
 * type error here and a failure of tests/e2e/edit-coverage.test.ts.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../../server/db/schema.js';
import type { MutationType } from '../../../src/shared/mutators.js';
import type { PushResponse } from '../../../src/shared/protocol.js';
import type { NotificationRow } from '../../../src/shared/entities.js';
import { renderNotification } from '../../../src/shared/notification-text.js';
import { signedIn } from '../../support/api-client.js';
import { pullAll } from '../../support/view-copy.js';
import { upcomingSession } from './data.js';
import type { App } from './fixture.js';

const apiOf = new WeakMap<App, ReturnType<typeof signedIn>>();

/** ana on the server's HTTP API (signed in once per app: logins are rate-limited). */
export function anaApi(app: App): ReturnType<typeof signedIn> {
  let ana = apiOf.get(app);
  if (!ana) apiOf.set(app, (ana = signedIn(app.server.url, 'ana@classdesk.test')));
  return ana;
}

/** A row of ana's scoped view as the server's pull answers it. */
export async function serverRow(
  app: App,
  schoolId: number,
  entity: string,
  id: number,
): Promise<Record<string, unknown> | undefined> {
  const { copy } = await pullAll(await anaApi(app), schoolId);
  return copy.get(`${entity}:${id}`);
}

/** The rows of one entity in ana's scoped view of a school, as the server's pull answers them. */
export async function serverRows(app: App, schoolId: number, entity: string) {
  const { copy } = await pullAll(await anaApi(app), schoolId);
  return [...copy.entries()]
    .filter(([key]) => key.startsWith(`${entity}:`))
    .map(([, row]) => row as Record<string, unknown>);
}

export interface UiEditCase {
  /** What the teacher does, in words. */
  does: string;
  /** What must exist before (made outside this device's UI, e.g. a template to delete), signed in. */
  prepare?(app: App): Promise<void>;
  /**
   * Performs the edit through the UI (signed in as ana) and answers the check that finds it on
   * the server: true once the server's row shows the edit.
   */
  perform(app: App): Promise<() => Promise<boolean>>;
}

async function firstUnread(db: Kysely<DB>, userId: number, schoolId: number) {
  return db
    .selectFrom('notifications')
    .select(['id', 'type', 'title', 'message', 'params'])
    .where('user_id', '=', userId)
    .where('school_id', '=', schoolId)
    .where('is_read', '=', 0)
    .where('is_dismissed', '=', 0)
    .where('expiry_published', '=', 0)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
}

export async function openSession(app: App) {
  const session = await upcomingSession(app.server.database.db, app.ids.ana, app.ids.norte);
  await app.page.goto(`${app.harness.url}#/sessions/${session.id}`);
  await app.page.getByRole('heading', { level: 1, name: session.title }).waitFor();
  return session;
}

async function statusAction(app: App, button: string, status: string) {
  const session = await openSession(app);
  await app.page.getByRole('button', { name: button }).click();
  await app.page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  return async () => (await serverRow(app, app.ids.norte, 'session', session.id))?.status === status;
}

/** A stored notification's title as the app shows it in English (the harness's en-GB browser). */
export const shownTitle = (n: Pick<NotificationRow, 'type' | 'title' | 'message'> & { params: string }) =>
  renderNotification({ ...n, params: JSON.parse(n.params) as NotificationRow['params'] }, 'en', null, 'en-GB')
    .title;

/** A notification in the notification centre's list (announcements may share its title). */
export const notificationItem = (
  app: App,
  n: Pick<NotificationRow, 'type' | 'title' | 'message'> & { params: string },
) =>
  app.page
    .getByRole('list', { name: 'Notifications' })
    .getByRole('listitem')
    .filter({ hasText: shownTitle(n) })
    .first();

function notificationCase(does: string, button: 'Mark read' | 'Dismiss'): UiEditCase {
  return {
    does,
    async perform(app) {
      const n = await firstUnread(app.server.database.db, app.ids.ana, app.ids.norte);
      await app.go('Notifications');
      const item = notificationItem(app, n);
      await item.getByRole('button', { name: button }).click();
      // The screen shows it at once, from the core's own answer.
      if (button === 'Dismiss') await item.waitFor({ state: 'detached' });
      else await item.getByRole('button', { name: 'Mark read' }).waitFor({ state: 'detached' });
      return async () => {
        const row = await serverRow(app, app.ids.norte, 'notification', n.id);
        return button === 'Dismiss' ? row?.is_dismissed === true : row?.is_read === true;
      };
    },
  };
}

/** A plan field's textarea on the session page ("Objectives", "Homework", …). */
export const planField = (app: App, label: string) =>
  app.page.getByRole('textbox', { name: label, exact: true });

const TEMPLATE_TO_DELETE = 'Modelo antigo de revisões';
/** ana's first file in Escola Norte that the session does not have attached yet. */
async function fileToAttach(app: App, sessionId: number) {
  const attached = JSON.parse(
    (
      await app.server.database.db
        .selectFrom('class_sessions')
        .select('resource_ids')
        .where('id', '=', sessionId)
        .executeTakeFirstOrThrow()
    ).resource_ids,
  ) as number[];
  const files = await app.server.database.db
    .selectFrom('resources')
    .select(['id', 'title'])
    .where('teacher_id', '=', app.ids.ana)
    .where('school_id', '=', app.ids.norte)
    .orderBy('id')
    .execute();
  return files.find((f) => !attached.includes(f.id))!;
}

export const UI_EDITS: { [T in MutationType]: UiEditCase } = {
  set_session_resources: {
    does: 'attaches one of her files to a session from its page',
    async perform(app) {
      const session = await openSession(app);
      const file = await fileToAttach(app, session.id);
      await app.page.getByRole('button', { name: 'Attach files' }).click();
      const picker = app.page.getByRole('form', { name: 'Attach files' });
      await picker.getByLabel(file.title, { exact: true }).check();
      await picker.getByRole('button', { name: 'Attach 1 file' }).click();
      await app.page.getByRole('button', { name: `Detach ${file.title}` }).waitFor();
      return async () => {
        const row = await serverRow(app, app.ids.norte, 'session', session.id);
        return Array.isArray(row?.resource_ids) && row.resource_ids.includes(file.id);
      };
    },
  },
  save_student_note: {
    does: "writes a private note on a student's page, opened from the roster",
    async perform(app) {
      const session = await openSession(app);
      const student = session.roster[0]!;
      await app.page.getByRole('link', { name: student.name, exact: true }).click();
      await app.page.getByRole('heading', { level: 1, name: student.name }).waitFor();
      const body = `Precisa de apoio a frações (${Date.now()}).`;
      await app.page.getByLabel(`Private note about ${student.name}`).fill(body);
      await app.page.getByRole('button', { name: 'Save note' }).click();
      await app.page.getByText('Saved on this device').waitFor();
      return async () => {
        const note = await app.server.database.db
          .selectFrom('student_notes')
          .select('body')
          .where('teacher_id', '=', app.ids.ana)
          .where('school_id', '=', app.ids.norte)
          .where('student_id', '=', student.studentId)
          .executeTakeFirst();
        return note?.body === body;
      };
    },
  },
  update_lesson_notes: {
    does: 'types lesson notes on a session page',
    async perform(app) {
      const session = await openSession(app);
      const notes = `Revimos frações; trazer a ficha 4 (${Date.now()}).`;
      await app.page.getByLabel('Lesson notes').fill(notes);
      return async () => (await serverRow(app, app.ids.norte, 'session', session.id))?.lesson_notes === notes;
    },
  },
  set_attendance: {
    does: 'marks a student late on the roster',
    async perform(app) {
      const session = await openSession(app);
      const student = session.roster[0]!;
      await app.page
        .getByRole('radiogroup', { name: student.name })
        .getByRole('radio', { name: 'Late' })
        .click();
      return async () =>
        (await serverRow(app, app.ids.norte, 'enrolment', student.enrolmentId))?.attendance === 'late';
    },
  },
  complete_session: {
    does: 'marks a session completed',
    perform: (app) => statusAction(app, 'Mark completed', 'completed'),
  },
  cancel_session: {
    does: 'cancels a session',
    perform: (app) => statusAction(app, 'Cancel session', 'cancelled'),
  },
  mark_notification_read: notificationCase('marks a notification read', 'Mark read'),
  dismiss_notification: notificationCase('dismisses a notification', 'Dismiss'),
  update_resource_metadata: {
    does: "edits a resource's title, description and sharing",
    async perform(app) {
      const r = await app.server.database.db
        .selectFrom('resources')
        .select(['id', 'title', 'shared_with_students'])
        .where('teacher_id', '=', app.ids.ana)
        .where('school_id', '=', app.ids.norte)
        .orderBy('id')
        .executeTakeFirstOrThrow();
      await app.go('Resources');
      await app.page.getByRole('button', { name: `Edit details of ${r.title}` }).click();
      const form = app.page.getByRole('form', { name: `Edit details of ${r.title}` });
      const title = `${r.title} (revisto)`;
      await form.getByLabel('Title').fill(title);
      await form.getByLabel('Description').fill('Versão revista para o 7.º ano.');
      await form.getByLabel('Shared with students').setChecked(r.shared_with_students === 0);
      await form.getByRole('button', { name: 'Save' }).click();
      await app.page.getByText(title, { exact: true }).waitFor();
      return async () => {
        const row = await serverRow(app, app.ids.norte, 'resource', r.id);
        return (
          row?.title === title &&
          row.description === 'Versão revista para o 7.º ano.' &&
          row.shared_with_students === (r.shared_with_students === 0)
        );
      };
    },
  },
  update_lesson_plan: {
    does: "writes a lesson plan's objectives",
    async perform(app) {
      const session = await openSession(app);
      const objectives = `- Comparar frações\n- Ordenar decimais (${Date.now()})`;
      await planField(app, 'Objectives').fill(objectives);
      return async () =>
        (await serverRow(app, app.ids.norte, 'session', session.id))?.plan_objectives === objectives;
    },
  },
  save_plan_template: {
    does: 'saves a lesson plan as a template',
    async perform(app) {
      await openSession(app);
      const name = `Aula de revisões ${Date.now()}`;
      await app.page.getByRole('button', { name: 'Save as template' }).click();
      const form = app.page.getByRole('form', { name: 'Save as template' });
      await form.getByLabel('Template name').fill(name);
      await form.getByRole('button', { name: 'Save' }).click();
      await app.page
        .getByRole('status')
        .filter({ hasText: `Saved the template “${name}”.` })
        .waitFor();
      return async () => (await serverRows(app, app.ids.norte, 'plan_template')).some((t) => t.name === name);
    },
  },
  delete_plan_template: {
    does: 'deletes a template from the template picker',
    async prepare(app) {
      // A template saved earlier on another device of ana's.
      const ana = await anaApi(app);
      const r = await ana.post<PushResponse>('/api/sync/push', {
        client_id: 'another-device',
        mutations: [
          {
            id: 'seed-template',
            type: 'save_plan_template',
            args: {
              template_id: 424_242,
              school_id: app.ids.norte,
              name: TEMPLATE_TO_DELETE,
              content: { objectives: 'Rever', activities: [], materials: '', homework: '', notes: '' },
              base_version: 0,
            },
          },
        ],
      });
      if (r.status !== 200 || r.body.results[0]?.status !== 'applied')
        throw new Error(`seeding the template failed: ${r.status} ${r.text}`);
    },
    async perform(app) {
      await openSession(app);
      await app.page.getByRole('button', { name: 'Start from a template' }).click();
      const dialog = app.page.getByRole('dialog', { name: 'Start from a template' });
      await dialog.getByRole('button', { name: `Delete the template “${TEMPLATE_TO_DELETE}”` }).click();
      await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
      await dialog.getByText(TEMPLATE_TO_DELETE).waitFor({ state: 'detached' });
      return async () => (await serverRow(app, app.ids.norte, 'plan_template', 424_242)) === undefined;
    },
  },
};
