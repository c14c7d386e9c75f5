/**
 * Rows a device creates (docs/ARCHITECTURE.md, "Rows a device creates"), between a real device
 * and a real server: a plan template and a private note made before a sync exist on the device at
 * once, reach the server with the device's ids, and the sync verifies without re-fetching the
 * school (a created row still pending is not counted in the device's checksum); a create the
 * server refuses (another device's note about the same student came first) is undone on the
 * device and lands in Needs attention with both texts.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newRowId } from '../../src/shared/mutators.js';
import type { PushResponse } from '../../src/shared/protocol.js';
import { storeDatabase } from '../../src/main/core/store/local-store.js';
import { startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { openTestDevice, type TestDevice } from '../support/device.js';

const CONTENT = { objectives: 'Rever frações', activities: [], materials: '', homework: '', notes: '' };

describe('rows a device creates', () => {
  let server: TestServer;
  let ids: DemoIds;
  let anaWeb: TestApi;
  let device: TestDevice;
  const local = () => storeDatabase(device.store).db;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    ids = await demoIds(server.database.db);
    anaWeb = await signedIn(server.url, 'ana@classdesk.test');
    device = await openTestDevice(server.url, 'ana@classdesk.test');
    await device.engine.syncAll();
  });
  afterAll(async () => {
    await device?.close();
    fs.rmSync(device.dataDir, { recursive: true, force: true });
    await server?.stop();
  });

  async function studentOfAna() {
    return server.database.db
      .selectFrom('enrolments')
      .innerJoin('class_sessions', 'class_sessions.id', 'enrolments.session_id')
      .select('enrolments.student_id')
      .where('class_sessions.teacher_id', '=', ids.ana)
      .where('class_sessions.school_id', '=', ids.norte)
      .orderBy('enrolments.student_id')
      .execute();
  }

  test('made on the device at once, pushed with their ids, and the sync verifies without a re-fetch', async () => {
    const [first] = await studentOfAna();
    const templateId = newRowId();
    const noteId = newRowId();
    const before = device.store.localChecksum(ids.norte);
    device.engine.edit('save_plan_template', {
      template_id: templateId,
      school_id: ids.norte,
      name: 'Revisões de frações',
      content: CONTENT,
    });
    device.engine.edit('save_student_note', {
      note_id: noteId,
      school_id: ids.norte,
      student_id: first!.student_id,
      body: 'Usa óculos: primeira fila',
    });
    expect(await local().selectFrom('plan_templates').select(['id', 'name']).execute()).toEqual([
      { id: templateId, name: 'Revisões de frações' },
    ]);

    // Pending creates are not in the server's view yet: the device's checksum leaves them out.
    expect(device.store.localChecksum(ids.norte)).toBe(before);
    const summary = await device.engine.syncAll();
    const norte = summary.schools.find((s) => s.schoolId === ids.norte)!;
    expect(norte).toMatchObject({ verified: true, refetched: false });
    expect(device.store.pendingCount()).toBe(0);
    const onServer = await server.database.db
      .selectFrom('plan_templates')
      .select(['teacher_id', 'name'])
      .where('id', '=', templateId)
      .execute();
    expect(onServer).toEqual([{ teacher_id: ids.ana, name: 'Revisões de frações' }]);
    const note = await server.database.db
      .selectFrom('student_notes')
      .select('body')
      .where('id', '=', noteId)
      .executeTakeFirstOrThrow();
    expect(note.body).toBe('Usa óculos: primeira fila');
    // The device's copy is the server's row now (its teacher, its version).
    expect(await local().selectFrom('plan_templates').select('teacher_id').execute()).toEqual([
      { teacher_id: ids.ana },
    ]);
  });

  test('a create the server refuses is undone on the device and kept in Needs attention', async () => {
    const students = await studentOfAna();
    const student = students[students.length - 1]!.student_id;
    // Another device of ana's wrote a note about the same student first.
    const other = await anaWeb.post<PushResponse>('/api/sync/push', {
      client_id: 'other-device-01',
      mutations: [
        {
          id: 'n1',
          type: 'save_student_note',
          args: {
            note_id: newRowId(),
            school_id: ids.norte,
            student_id: student,
            base_version: 0,
            body: 'Do tablet',
          },
        },
      ],
    });
    expect(other.body.results[0]!.status).toBe('applied');

    const mine = newRowId();
    device.engine.edit('save_student_note', {
      note_id: mine,
      school_id: ids.norte,
      student_id: student,
      body: 'Do portátil',
    });
    expect(
      await local().selectFrom('student_notes').select('id').where('id', '=', mine).execute(),
    ).toHaveLength(1);
    const summary = await device.engine.syncAll();
    expect(summary.schools.find((s) => s.schoolId === ids.norte)).toMatchObject({ verified: true });
    expect(await local().selectFrom('student_notes').select('id').where('id', '=', mine).execute()).toEqual(
      [],
    );
    const attention = device.store.attention();
    expect(attention).toHaveLength(1);
    const studentName = await server.database.db
      .selectFrom('users')
      .select('name')
      .where('id', '=', student)
      .executeTakeFirstOrThrow();
    expect(attention[0]).toMatchObject({
      type: 'save_student_note',
      code: 'conflict',
      subject: studentName.name,
    });
    expect(JSON.parse(attention[0]!.conflict!)).toMatchObject({
      server_value: 'Do tablet',
      your_value: 'Do portátil',
    });
    // The other device's note is on this device now, as the server has it.
    const notes = await local()
      .selectFrom('student_notes')
      .select('body')
      .where('student_id', '=', student)
      .execute();
    expect(notes).toEqual([{ body: 'Do tablet' }]);
  });
});
