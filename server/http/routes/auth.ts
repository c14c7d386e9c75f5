import { LoginBody, LoginResponse, MeResponse } from '../../../src/shared/api.js';
import { activeMemberships, login, revokeToken } from '../../domain/auth.js';
import { unauthorized } from '../../domain/errors.js';
import { route } from '../route-table.js';

export const authRoutes = [
  route({
    method: 'POST',
    url: '/api/auth/login',
    otherResponses: { 401: 'unauthorized: wrong email or password' },
    summary: 'Sign in with email and password; returns a bearer token',
    tag: 'auth',
    auth: 'none',
    school: 'none',
    body: LoginBody,
    response: LoginResponse,
    // Per address here; wrong passwords per account and address in the handler (login-throttle.ts).
    rateLimits: ['login_address'],
    async handler({ req, body, dom, services }) {
      const ttl = services.config.TOKEN_TTL_HOURS * 3600 * 1000;
      const now = services.now();
      const attempt = await services.loginThrottle.begin(body.email, req.ip);
      const result = await login(dom.db, body.email, body.password, ttl, now);
      if (!result) {
        await attempt.failed();
        throw unauthorized('wrong email or password');
      }
      await attempt.succeeded();
      return { ...result, expires_at: new Date(now.getTime() + ttl).toISOString() };
    },
  }),
  route({
    method: 'POST',
    url: '/api/auth/logout',
    summary: 'Revoke the token this request carries (its sockets disconnect)',
    tag: 'auth',
    auth: 'user',
    school: 'none',
    successStatus: 204,
    async handler({ user, dom, services }) {
      await revokeToken(dom.db, user!.tokenHash, services.now());
      services.events.tokenRevoked(user!.tokenHash);
      return null;
    },
  }),
  route({
    method: 'GET',
    url: '/api/me',
    summary: 'The signed-in user and their active memberships',
    tag: 'auth',
    auth: 'user',
    school: 'none',
    response: MeResponse,
    async handler({ user, dom }) {
      const u = user!;
      return {
        user: { id: u.id, email: u.email, name: u.name },
        memberships: await activeMemberships(dom.db, u.id),
      };
    },
  }),
];
