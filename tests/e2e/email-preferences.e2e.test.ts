/**
 * The teacher's email choices in Settings (docs/ARCHITECTURE.md, "Notifications"): chosen per
 * notification type and language through the UI, kept on the server (checked through its HTTP
 * API), the section passes an accessibility scan, and offline it says it needs a connection.
 */
import AxeBuilder from '@axe-core/playwright';
import { describe, expect } from 'vitest';
import type { EmailPreferences } from '../../src/shared/api.js';
import { signedIn } from '../support/api-client.js';
import { HAS_CHROMIUM, test } from './support/fixture.js';

describe.skipIf(!HAS_CHROMIUM)('email choices in Settings', { timeout: 180_000 }, () => {
  test('a teacher chooses a daily summary and English emails; the server has both', async ({ app }) => {
    const { page, server } = app;
    await app.signIn('ana@classdesk.test');
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    const before = await ana.get<EmailPreferences>('/api/me/notification-preferences');
    expect(before.body).toMatchObject({
      language: 'pt-PT',
      email: { new_student: 'off', session_cancelled: 'immediate', school_announcement: 'immediate' },
    });

    await app.go('Settings');
    const section = page.getByRole('region', { name: 'Email' });
    await section.getByLabel('New students').selectOption({ label: 'In a daily summary' });
    await section.getByText('Email choices saved').waitFor();
    await section.getByLabel('School announcements').selectOption({ label: 'Not by email' });
    await section.getByLabel('Language of the emails').selectOption('en');
    await expect
      .poll(async () => (await ana.get<EmailPreferences>('/api/me/notification-preferences')).body)
      .toMatchObject({
        language: 'en',
        email: { new_student: 'digest', school_announcement: 'off', session_cancelled: 'immediate' },
      });

    const result = await new AxeBuilder({ page }).include('main').analyze();
    expect(
      result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
    ).toEqual([]);

    // Offline, a fresh look at Settings says the choices need a connection.
    await app.offline();
    await app.go('Dashboard');
    await app.go('Settings');
    await section.getByText('Email choices are kept on the server: connect to see or change them.').waitFor();
  });
});
