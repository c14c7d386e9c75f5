/** An administrator invites a person who already has an account, and that person accepts (as the console does). */
import type { TestApi, ApiResponse } from './api-client.js';

export async function inviteAndAccept(
  admin: TestApi,
  invitee: TestApi,
  schoolId: number,
  email: string,
  role: 'teacher' | 'admin' = 'teacher',
): Promise<ApiResponse> {
  const sent = await admin.post(`/api/admin/schools/${schoolId}/invitations`, { email, role });
  if (sent.status !== 201) throw new Error(`invitation refused: ${sent.status} ${sent.text}`);
  const mine = (await invitee.get('/api/me/invitations')).body as Array<{ id: number; school_id: number }>;
  const invitation = mine.find((i) => i.school_id === schoolId);
  if (!invitation) throw new Error(`${email} does not see the invitation to school ${schoolId}`);
  return invitee.post(`/api/me/invitations/${invitation.id}/accept`);
}
