/**
 * Step-up where it matters: a server action that answers `stepUpRequired` (redirect mode), a form
 * saved through a popup step-up, and a proxy policy that needs MFA.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRows, completeLogin, env, homeFacts, isE2E, launchBrowser, onApp, onIdp, openSession, signIn, signInStale } from './helpers.js';

describe.runIf(isE2E)('step-up', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the guarded delete asks to confirm, then runs exactly once after the step-up', async (t) => {
    const { page } = await openSession(browser, t);
    await signInStale(page, 'alice@example.com', 3600);
    const { sessionId, authTime } = await homeFacts(page);

    await page.goto(`${env().baseUrl}/settings/danger`);
    await expect.poll(() => page.getByTestId('danger-status').textContent()).toContain('you will be asked to confirm');
    await page.getByTestId('delete-project').click();

    // The action answered stepUpRequired({ maxAge: 300 }): useStepUp sent us to the provider.
    await onIdp(page);
    await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    await completeLogin(page, 'alice@example.com');
    await onApp(page, '/settings/danger');

    // Back on the page, useStepUp resumed the call once.
    await page.getByTestId('delete-result').waitFor();
    expect(await page.getByTestId('delete-result').textContent()).toContain('Project acme-staging deleted');
    await expect.poll(() => page.getByTestId('danger-status').textContent()).toContain('no prompt needed');

    const rows = (await auditRows(page)).filter((r) => r.text.includes(sessionId));
    expect(rows.filter((r) => r.action === 'project.delete.step-up-required')).toHaveLength(1);
    expect(rows.filter((r) => r.action === 'project.deleted')).toHaveLength(1);
    const stepUps = rows.filter((r) => r.kind === 'step-up');
    expect(stepUps).toHaveLength(1);
    expect(stepUps[0]!.text).toContain('within 300 s');

    // A reload does not replay the deletion.
    await page.goto(`${env().baseUrl}/settings/danger`);
    await expect.poll(() => page.getByTestId('danger-status').textContent()).toContain('no prompt needed');
    expect(await page.getByTestId('delete-result').count()).toBe(0);
    const after = (await auditRows(page)).filter((r) => r.text.includes(sessionId));
    expect(after.filter((r) => r.action === 'project.deleted')).toHaveLength(1);

    await page.goto(env().baseUrl);
    expect((await homeFacts(page)).authTime).toBeGreaterThan(authTime);
  });

  it("the danger zone's StepUpButton confirms ahead of time and comes back to the page", async (t) => {
    const { page } = await openSession(browser, t);
    await signInStale(page, 'alice@example.com', 3600);
    await page.goto(`${env().baseUrl}/settings/danger`);
    await expect.poll(() => page.getByTestId('danger-status').textContent()).toContain('you will be asked to confirm');
    await page.getByTestId('danger-confirm').click();
    await onIdp(page);
    await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    await completeLogin(page, 'alice@example.com');
    await onApp(page, '/settings/danger');
    await expect.poll(() => page.getByTestId('danger-status').textContent()).toContain('no prompt needed');
  });

  it('a fresh session deletes without a prompt', async (t) => {
    const { page } = await openSession(browser, t);
    await signIn(page, 'bob@example.com');
    await page.goto(`${env().baseUrl}/settings/danger`);
    await page.getByTestId('delete-project').click();
    await page.getByTestId('delete-result').waitFor();
    expect(new URL(page.url()).pathname).toBe('/settings/danger');
  });

  it('a popup step-up keeps the value typed into the billing form', async (t) => {
    const { page, context } = await openSession(browser, t);
    await signInStale(page, 'alice@example.com', 3600);
    await page.goto(`${env().baseUrl}/settings/billing`);
    const typed = `ap+${Date.now()}@acme.test`;
    await page.fill('#billingEmail', typed);
    await page.fill('#vatId', 'FR40303265045');
    // Marks this document: if the page navigated away and back, the mark would be gone.
    await page.evaluate(() => ((window as unknown as { e2eMark: number }).e2eMark = 42));

    const [popup] = await Promise.all([context.waitForEvent('page'), page.getByTestId('save-billing').click()]);
    await onIdp(popup);
    await popup.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    await completeLogin(popup, 'alice@example.com');
    await popup.waitForEvent('close');

    await page.getByTestId('billing-saved').waitFor();
    expect(await page.getByTestId('billing-saved').textContent()).toContain(typed);
    expect(await page.inputValue('#billingEmail')).toBe(typed);
    expect(await page.inputValue('#vatId')).toBe('FR40303265045');
    expect(await page.evaluate(() => (window as unknown as { e2eMark?: number }).e2eMark)).toBe(42);
    expect(new URL(page.url()).pathname).toBe('/settings/billing');

    // The server has it too.
    await page.reload();
    expect(await page.getByTestId('billing-current').textContent()).toContain(typed);
  });

  it('/account needs MFA: bob (password only) gets the step_up_mfa_missing page and keeps his session', async (t) => {
    const { page } = await openSession(browser, t);
    await signIn(page, 'bob@example.com');
    const { sessionId } = await homeFacts(page);

    await page.goto(`${env().baseUrl}/account`);
    // The IdP may answer silently (bob signed in seconds ago, within max_age=60) or ask again.
    await page.waitForURL((url) => url.pathname === '/auth-error' || url.origin === new URL(env().idpUrl).origin);
    if (new URL(page.url()).pathname !== '/auth-error') {
      await completeLogin(page, 'bob@example.com');
      await onApp(page, '/auth-error');
    }
    expect(await page.getByTestId('auth-error-code').textContent()).toBe('step_up_mfa_missing');
    expect(await page.getByTestId('auth-error-title').textContent()).toBe('This page needs two-factor authentication');

    // The rejected step-up left the session alone: home still works, as bob, same session.
    await page.goto(env().baseUrl);
    expect(await page.getByTestId('user-email').textContent()).toBe('bob@example.com');
    expect((await homeFacts(page)).sessionId).toBe(sessionId);

    const rejected = (await auditRows(page)).filter((r) => r.kind === 'step-up-rejected' && r.text.includes(sessionId));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.text).toContain('step_up_mfa_missing');
  });

  it('/account asks alice for a fresh MFA sign-in, then lets her in; home stays reachable', async (t) => {
    const { page } = await openSession(browser, t);
    await signInStale(page, 'alice@example.com', 3600);
    const { sessionId } = await homeFacts(page);

    await page.goto(`${env().baseUrl}/account`);
    await onIdp(page);
    await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    await completeLogin(page, 'alice@example.com');
    await onApp(page, '/account');
    await page.getByTestId('account-verified').waitFor();
    expect(await page.getByRole('heading', { name: 'Account security' }).isVisible()).toBe(true);

    // Within the minute the policy lets her straight back in.
    await page.goto(env().baseUrl);
    expect((await homeFacts(page)).sessionId).toBe(sessionId);
    await page.goto(`${env().baseUrl}/account`);
    await page.getByTestId('account-verified').waitFor();
  });
});
