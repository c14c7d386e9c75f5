/** Invitations (server/domain/invitations.ts): sent by an administrator, accepted by the invitee. */
import {
  AcceptInvitationBody,
  AcceptInvitationResponse,
  InvitationPreview,
  InvitationTokenParams,
  InviteBody,
  InviteResponse,
  MyInvitation,
  MyInvitationAccepted,
  MyInvitationParams,
} from '../../../src/shared/admin-api.js';
import { SchoolParams } from '../../../src/shared/api.js';
import { z } from 'zod';
import {
  acceptInvitation,
  acceptMyInvitation,
  invite,
  myInvitations,
  previewInvitation,
} from '../../domain/invitations.js';
import { OWASP_SCRYPT, TEST_SCRYPT } from '../../domain/passwords.js';
import { route } from '../route-table.js';

export const invitationRoutes = [
  route({
    method: 'POST',
    url: '/api/admin/schools/:schoolId/invitations',
    tag: 'admin',
    auth: 'user',
    school: 'params',
    summary:
      'Invite a teacher or administrator by email: the membership starts when they accept. The answer is the same whether or not the email has an account.',
    otherResponses: { 409: 'conflict: this person already has a membership in this school' },
    params: SchoolParams,
    body: InviteBody,
    response: InviteResponse,
    successStatus: 201,
    handler: ({ user, params, body, dom }) => invite(dom, user!.id, params.schoolId, body),
  }),
  route({
    method: 'GET',
    url: '/api/invitations/:token',
    tag: 'invitations',
    auth: 'none',
    school: 'none',
    summary: 'What an invitation link offers (404 when it is unknown, used or expired)',
    otherResponses: { 404: 'not_found: no such pending invitation' },
    params: InvitationTokenParams,
    response: InvitationPreview,
    handler: ({ params, dom }) => previewInvitation(dom, params.token),
  }),
  route({
    method: 'POST',
    url: '/api/invitations/:token/accept',
    tag: 'invitations',
    auth: 'none',
    school: 'none',
    summary:
      "Accept an invitation by its link: with the password of the email's account, or the name and password of a new one; answers a sign-in",
    otherResponses: {
      401: 'unauthorized: wrong password for the account of this email',
      404: 'not_found: no such pending invitation',
      409: 'conflict: already a member of this school',
    },
    params: InvitationTokenParams,
    body: AcceptInvitationBody,
    response: AcceptInvitationResponse,
    rateLimits: ['login_address'],
    handler: ({ params, body, dom, services }) =>
      acceptInvitation(dom, params.token, body, {
        cost: services.config.PASSWORD_HASH_COST === 'test' ? TEST_SCRYPT : OWASP_SCRYPT,
        ttlMs: services.config.TOKEN_TTL_HOURS * 3600 * 1000,
      }),
  }),
  route({
    method: 'GET',
    url: '/api/me/invitations',
    tag: 'invitations',
    auth: 'user',
    school: 'none',
    summary: "The signed-in person's pending invitations",
    response: z.array(MyInvitation),
    handler: ({ user, dom }) => myInvitations(dom, user!.email),
  }),
  route({
    method: 'POST',
    url: '/api/me/invitations/:invitationId/accept',
    tag: 'invitations',
    auth: 'user',
    school: 'none',
    summary: 'Accept one of my pending invitations: the membership starts now',
    otherResponses: { 409: 'conflict: already a member of this school' },
    entityParam: 'invitationId',
    params: MyInvitationParams,
    response: MyInvitationAccepted,
    handler: ({ user, params, dom }) => acceptMyInvitation(dom, user!, params.invitationId),
  }),
];
