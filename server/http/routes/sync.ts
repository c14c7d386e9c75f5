import { DashboardQuery, DashboardResponse } from '../../../src/shared/api.js';
import { PullQuery, PullResponse, PushBody, PushResponse } from '../../../src/shared/protocol.js';
import { requireTeacherSchool } from '../../domain/auth.js';
import { dashboard } from '../../domain/dashboard.js';
import { pull } from '../../domain/pull.js';
import { push } from '../../domain/push.js';
import { route } from '../route-table.js';

export const syncRoutes = [
  route({
    method: 'GET',
    url: '/api/dashboard',
    summary:
      'Teacher dashboard for one school: sessions in range, counts, students, unread notifications, recent resources',
    tag: 'sync',
    auth: 'user',
    school: 'query',
    query: DashboardQuery,
    response: DashboardResponse,
    rateLimits: ['dashboard'],
    async handler({ user, query, dom, services }) {
      const school = await requireTeacherSchool(dom.db, user!.id, query.school_id);
      return dashboard(dom.db, user!.id, school, query.range, services.now());
    },
  }),
  route({
    method: 'GET',
    url: '/api/sync/pull',
    summary: "Changes to the caller's scoped view of a school since a cursor (no cursor: the whole view)",
    tag: 'sync',
    auth: 'user',
    school: 'query',
    query: PullQuery,
    response: PullResponse,
    rateLimits: ['sync'],
    protocolChecked: true,
    async handler({ user, query, dom, services }) {
      await requireTeacherSchool(dom.db, user!.id, query.school_id);
      const scope = { teacherId: user!.id, schoolId: query.school_id };
      const batch = await pull(dom.db, scope, query.cursor, query.limit, services.checksums);
      // `total` is set on every batch of a full pull and null on incremental ones.
      services.metrics.observePull(batch.total === null ? 'delta' : 'full', batch.changes.length);
      return batch;
    },
  }),
  route({
    method: 'POST',
    url: '/api/sync/push',
    summary:
      'Apply offline mutations in order; each is applied once, answered duplicate on redelivery, or rejected',
    tag: 'sync',
    auth: 'user',
    school: 'none',
    body: PushBody,
    response: PushResponse,
    rateLimits: ['sync'],
    protocolChecked: true,
    async handler({ req, user, body, dom }) {
      const results = await push(dom, user!.id, body, (mutationId, err) =>
        req.log.error({ mutation_id: mutationId, err }, 'mutation failed: answered rejected (internal)'),
      );
      return { results };
    },
  }),
];
