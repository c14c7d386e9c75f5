/** The courses of each school on this device: the course pickers of the upload and Edit details forms. */
import { create } from 'zustand';
import { call } from '../api.js';
import type { CourseItem } from '../types.js';

interface CoursesStore {
  bySchool: Record<number, CourseItem[]>;
  /** Reads a school's courses (again after a sync: the caller passes the sync counter). */
  load(schoolId: number): Promise<void>;
}

export const useCourses = create<CoursesStore>()((set, get) => ({
  bySchool: {},
  async load(schoolId) {
    try {
      const rows = await call('courses:list', { schoolId });
      set({ bySchool: { ...get().bySchool, [schoolId]: rows } });
    } catch {
      // A picker without courses still uploads and edits; the next sync tries again.
    }
  },
}));
