/**
 * The weekly timetable and the school's holidays (server/domain/timetable.ts; docs/ARCHITECTURE.md,
 * "Running a school").
 */
import {
  CreateTimetableEntryBody,
  HolidayBody,
  HolidayItem,
  HolidayListQuery,
  HolidayResponse,
  Page,
  PatchTimetableEntryBody,
  SchoolHolidayParams,
  SchoolTimetableEntryParams,
  TimetableEntryItem,
  TimetableListQuery,
  TimetableWriteResponse,
} from '../../../src/shared/admin-api.js';
import { SchoolParams } from '../../../src/shared/api.js';
import {
  addHoliday,
  createTimetableEntry,
  deactivateTimetableEntry,
  listHolidays,
  listTimetable,
  removeHoliday,
  updateTimetableEntry,
} from '../../domain/timetable.js';
import { route } from '../route-table.js';

const base = '/api/admin/schools/:schoolId';
const common = { tag: 'admin', auth: 'user', school: 'params' } as const;

export const timetableRoutes = [
  route({
    ...common,
    method: 'GET',
    url: `${base}/timetable`,
    summary: "The school's weekly timetable, by weekday and start time",
    params: SchoolParams,
    query: TimetableListQuery,
    response: Page(TimetableEntryItem),
    handler: ({ user, params, query, dom }) => listTimetable(dom, user!.id, params.schoolId, query),
  }),
  route({
    ...common,
    method: 'POST',
    url: `${base}/timetable`,
    summary:
      "Add a weekly lesson: its sessions are generated for each week of the term at the wall-clock time in the school's time zone (none on a holiday)",
    params: SchoolParams,
    body: CreateTimetableEntryBody,
    response: TimetableWriteResponse,
    successStatus: 201,
    handler: ({ user, params, body, dom }) => createTimetableEntry(dom, user!.id, params.schoolId, body),
  }),
  route({
    ...common,
    method: 'PATCH',
    url: `${base}/timetable/:entryId`,
    otherResponses: { 409: 'conflict: the entry is deactivated' },
    summary:
      'Change a weekly lesson: its future sessions follow (those started are untouched; one with attendance, notes or a plan is cancelled and kept, never deleted)',
    entityParam: 'entryId',
    params: SchoolTimetableEntryParams,
    body: PatchTimetableEntryBody,
    response: TimetableWriteResponse,
    handler: ({ user, params, body, dom }) =>
      updateTimetableEntry(dom, user!.id, params.schoolId, params.entryId, body),
  }),
  route({
    ...common,
    method: 'DELETE',
    url: `${base}/timetable/:entryId`,
    summary:
      'Deactivate a weekly lesson: its future sessions are removed, or cancelled and kept when they have attendance, notes or a plan',
    entityParam: 'entryId',
    params: SchoolTimetableEntryParams,
    response: TimetableWriteResponse,
    handler: ({ user, params, dom }) =>
      deactivateTimetableEntry(dom, user!.id, params.schoolId, params.entryId),
  }),
  route({
    ...common,
    method: 'GET',
    url: `${base}/holidays`,
    summary: "The school's holidays, by date",
    params: SchoolParams,
    query: HolidayListQuery,
    response: Page(HolidayItem),
    handler: ({ user, params, query, dom }) => listHolidays(dom, user!.id, params.schoolId, query),
  }),
  route({
    ...common,
    method: 'POST',
    url: `${base}/holidays`,
    otherResponses: { 409: 'conflict: this day is already a holiday' },
    summary:
      "Close the school for a day: that day's scheduled sessions are cancelled and each of their teachers is notified once",
    params: SchoolParams,
    body: HolidayBody,
    response: HolidayResponse,
    successStatus: 201,
    handler: ({ user, params, body, dom }) => addHoliday(dom, user!.id, params.schoolId, body),
  }),
  route({
    ...common,
    method: 'DELETE',
    url: `${base}/holidays/:holidayId`,
    summary: "Reopen a day: the timetable's sessions of that day still to come are scheduled again",
    entityParam: 'holidayId',
    params: SchoolHolidayParams,
    successStatus: 204,
    async handler({ user, params, dom }) {
      await removeHoliday(dom, user!.id, params.schoolId, params.holidayId);
      return null;
    },
  }),
];
