/** Forgets everything of the signed-out teacher, so the next one never glimpses it. */
import { useAuth } from './auth.js';
import { useCourses } from './courses.js';
import { useFlags } from './flags.js';
import { useDashboard } from './dashboard.js';
import { useSessionList, useStudentList } from './lists.js';
import { useNotifications } from './notifications.js';
import { useLessonPlan } from './plan.js';
import { useResources } from './resources.js';
import { useSchools } from './schools.js';
import { useSearch } from './search.js';
import { useWeek } from './week.js';
import { useSession } from './session.js';
import { useSessionFiles } from './session-files.js';
import { useStudent } from './student.js';
import { useSync } from './sync.js';

export function forgetUserData(): void {
  for (const store of [
    useDashboard,
    useSessionList,
    useStudentList,
    useNotifications,
    useResources,
    useSession,
    useSearch,
    useWeek,
    useLessonPlan,
    useSessionFiles,
    useStudent,
    useCourses,
    useFlags,
  ])
    (store as { setState(s: unknown, replace: true): void; getInitialState(): unknown }).setState(
      store.getInitialState(),
      true,
    );
  useSync.getState().reset();
  useSchools.getState().reset();
  useSchools.getState().select(null);
}

export async function signOut(): Promise<void> {
  await useAuth.getState().signOut();
  if (!useAuth.getState().state?.signedIn) forgetUserData();
}
