// A record's comments on its 360° page in chromium against the real backend: a comment mentioning a
// colleague chosen by keyboard (`@`, arrow keys, Enter) shows with the colleague's name highlighted,
// and the colleague has the mention among their notifications; one's own comment is edited, and one
// mentioning by mouse is deleted. German at 360 px and English at 1280 px, with screenshots; axe-core
// finds nothing serious, also while the suggestions are open.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import type { TestTenant } from '../../../backend/src/testing/test-app.ts';
import { describeInBrowser, screenshot } from '../support/browser.ts';
import { seriousA11yViolations, signedInContext, startWebAppHarness, type WebAppHarness } from '../support/web-app.ts';

/** Moves through the suggestions with the arrow key until `name` is the one Enter would take. */
async function arrowTo(page: Page, suggestions: Locator, name: string) {
  const count = await suggestions.getByRole('option').count();
  for (let step = 0; step <= count; step += 1) {
    const chosen = await suggestions.locator('[aria-selected="true"]').innerText();
    if (chosen.includes(name)) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no suggestion ${name}`);
}

describeInBrowser("the web app: a record's comments with @mentions", () => {
  let harness: WebAppHarness;
  let tenant: TestTenant;
  let rep: { displayName: string; upn: string };
  let kaetheId: string;
  let personId: string;

  const mentionsOfKaethe = async () => {
    const kaethe = await tenant.as(tenant.upn('Käthe Schäfer'));
    const res = await kaethe.get('/api/v1/me/notifications');
    expect(res.status).toBe(200);
    return (res.body.items as { kind: string; payload: Record<string, unknown> }[]).filter(
      (item) => item.kind === 'mention',
    );
  };

  beforeAll(async () => {
    harness = await startWebAppHarness();
    tenant = await harness.t.createTenant('App Kommentare GmbH', [
      { displayName: 'Anna Admin' },
      { displayName: 'Rita Vertrieb', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Kai Kaufmann', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Käthe Schäfer', appRoles: ['CRM.SalesRep'] },
    ]);
    rep = { displayName: 'Rita Vertrieb', upn: tenant.upn('Rita Vertrieb') };
    kaetheId = await tenant.userId(tenant.upn('Käthe Schäfer'));
    await tenant.userId(tenant.upn('Kai Kaufmann'));
    const api = await tenant.as(rep.upn);
    personId = (await api.post('/api/v1/persons').send({ firstName: 'Jana', lastName: 'Keller' })).body.id;
  }, 400_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('in German on a phone: mention a colleague by keyboard, see the name highlighted, edit the comment', async () => {
    const context = await signedInContext(harness, rep, { locale: 'de-DE', width: 360, button: /^Anmelden$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${harness.baseUrl}/app/records/person/${personId}`);
    try {
      const section = page.getByRole('region', { name: 'Kommentare' });
      await section.getByText('Noch keine Kommentare.').waitFor();
      const box = section.getByRole('textbox', { name: 'Kommentar schreiben' });
      await box.focus();
      await page.keyboard.type('Bitte Rückruf klären, @K');
      const suggestions = section.getByRole('listbox', { name: 'Kolleginnen und Kollegen zum Erwähnen' });
      await suggestions.getByRole('option', { name: /Käthe Schäfer/ }).waitFor();
      await arrowTo(page, suggestions, 'Käthe Schäfer');
      await screenshot(page, 'app-comments-de-360-suggestions');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.keyboard.press('Enter');
      await suggestions.waitFor({ state: 'detached' });
      expect(await box.inputValue()).toBe('Bitte Rückruf klären, @Käthe Schäfer ');
      await page.keyboard.type('danke!');
      await section.getByRole('button', { name: 'Kommentieren' }).click();
      await section.getByRole('status').filter({ hasText: 'Ihr Kommentar ist gespeichert.' }).waitFor();

      const conversation = section.getByRole('list', { name: 'Unterhaltung' });
      const comment = conversation.getByRole('listitem').filter({ hasText: 'Bitte Rückruf klären' });
      await comment.getByText('Rita Vertrieb').waitFor();
      expect(await comment.locator(`[data-mention-user-id="${kaetheId}"]`).innerText()).toBe('@Käthe Schäfer');
      // The box is empty again for the next comment.
      await page.waitForFunction(() => document.querySelector('textarea')?.value === '');

      // Käthe is told, with the record and what was written.
      const told = await mentionsOfKaethe();
      expect(told).toHaveLength(1);
      expect(told[0]?.payload).toMatchObject({
        record: { type: 'person', id: personId, title: 'Jana Keller' },
        authorName: 'Rita Vertrieb',
        excerpt: 'Bitte Rückruf klären, @Käthe Schäfer danke!',
      });

      // Her own comment Rita can edit; the mention stays.
      await comment.getByRole('button', { name: /^Kommentar von Rita Vertrieb vom .+ bearbeiten$/ }).click();
      const editBox = comment.getByRole('textbox', { name: 'Kommentar bearbeiten' });
      expect(await editBox.inputValue()).toBe('Bitte Rückruf klären, @Käthe Schäfer danke!');
      // To the very end (End alone stops at the end of a wrapped line on a phone).
      await editBox.press('Control+End');
      await page.keyboard.type(' Termin am Montag.');
      await comment.getByRole('button', { name: 'Speichern' }).click();
      await section.getByRole('status').filter({ hasText: 'Der Kommentar ist geändert.' }).waitFor();
      const edited = conversation.getByRole('listitem').filter({ hasText: 'Termin am Montag.' });
      await edited.getByText('(bearbeitet)').waitFor();
      expect(await edited.locator('p').innerText()).toBe(
        'Bitte Rückruf klären, @Käthe Schäfer danke! Termin am Montag.',
      );
      expect(await edited.locator(`[data-mention-user-id="${kaetheId}"]`).innerText()).toBe('@Käthe Schäfer');
      // Still one notification: the edit mentions nobody new.
      expect(await mentionsOfKaethe()).toHaveLength(1);
      await screenshot(page, 'app-comments-de-360');
      expect(await seriousA11yViolations(page)).toEqual([]);
    } catch (error) {
      await screenshot(page, 'app-comments-de-failed');
      throw new Error(`${(error as Error).message}\n${await page.locator('body').innerText()}`);
    }
    await context.close();
  }, 180_000);

  it('in English at desk width: the conversation, a mention chosen by mouse, and deleting one’s comment', async () => {
    const context = await signedInContext(harness, rep, { locale: 'en-US', width: 1280, button: /^Sign in$/ });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${harness.baseUrl}/app/records/person/${personId}`);
    try {
      const section = page.getByRole('region', { name: 'Comments' });
      const conversation = section.getByRole('list', { name: 'Conversation' });
      const first = conversation.getByRole('listitem').filter({ hasText: 'Termin am Montag.' });
      await first.getByText('(edited)').waitFor();
      expect(await first.locator(`[data-mention-user-id="${kaetheId}"]`).innerText()).toBe('@Käthe Schäfer');

      const box = section.getByRole('textbox', { name: 'Write a comment' });
      await box.click();
      await page.keyboard.type('Short note for @Kät');
      await section
        .getByRole('listbox', { name: 'Colleagues to mention' })
        .getByRole('option', { name: /Käthe Schäfer/ })
        .click();
      expect(await box.inputValue()).toBe('Short note for @Käthe Schäfer ');
      await page.keyboard.type('only.');
      await section.getByRole('button', { name: 'Comment', exact: true }).click();
      const second = conversation.getByRole('listitem').filter({ hasText: 'Short note for' });
      expect(await second.locator(`[data-mention-user-id="${kaetheId}"]`).innerText()).toBe('@Käthe Schäfer');
      // Newest last.
      expect(await conversation.getByRole('listitem').last().innerText()).toContain('Short note for');
      expect(await mentionsOfKaethe()).toHaveLength(2);
      await screenshot(page, 'app-comments-en-1280');
      expect(await seriousA11yViolations(page)).toEqual([]);

      await second.getByRole('button', { name: /^Delete the comment by Rita Vertrieb of / }).click();
      await second.getByText('Delete this comment?').waitFor();
      await second.getByRole('button', { name: 'Delete', exact: true }).click();
      await section.getByRole('status').filter({ hasText: 'The comment is deleted.' }).waitFor();
      await second.waitFor({ state: 'detached' });
      await first.waitFor();
    } catch (error) {
      await screenshot(page, 'app-comments-en-failed');
      throw new Error(`${(error as Error).message}\n${await page.locator('body').innerText()}`);
    }
    await context.close();
  }, 180_000);
});
