/**
 * The admin console in the end-to-end suites: built once per run (out/console, like the renderer)
 * and opened in a page of the test's browser context, served by the test's own sync server.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { beforeAll } from 'vitest';
import { ensureConsoleBuilt } from '../../../src/harness/build.js';
import { storeDatabase } from '../../../src/main/core/store/local-store.js';
import { DEMO_PASSWORD, HAS_CHROMIUM, type App } from './fixture.js';

if (HAS_CHROMIUM)
  beforeAll(async () => {
    await ensureConsoleBuilt({ log: (m) => console.log(`[e2e] ${m}`) });
  }, 300_000);

/** A console page signed in as `email` (an admin of several schools picks `school`). */
export async function openConsole(
  app: App,
  o: { email?: string; school?: string; password?: string } = {},
): Promise<Page> {
  const page = await app.context.newPage();
  page.on('pageerror', (e) => app.problems.push(`console page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Refused to|violates the following Content Security Policy/i.test(m.text()))
      app.problems.push(`console CSP: ${m.text()}`);
  });
  await page.goto(`${app.server.url}/admin/`);
  await signInToConsole(page, o.email ?? 'admin@classdesk.test', o.password ?? DEMO_PASSWORD);
  if (o.school) {
    await page.getByRole('button', { name: o.school, exact: true }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
  }
  return page;
}

export async function signInToConsole(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function goConsole(page: Page, section: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Console' })
    .getByRole('link', { name: section, exact: true })
    .click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
}

const BLOCKING = new Set(['serious', 'critical']);
export async function blockingViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
}

/** Rows of the teacher's device store (what the app shows), by table. */
export function deviceDb(app: App) {
  return storeDatabase(app.harness.controller.device().store).db;
}
