// Talking to the bot by hand in the Microsoft 365 Agents Playground, offline: the real Playground
// (`npm run playground`) against the real app with BOT_PLAYGROUND set, its page in chromium. The
// user is greeted, asks for help and for their tasks, and sees the bot's cards in the chat.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { type BotWorld, startBotWorld } from '../../../backend/src/testing/bot-world.ts';
import type { TestTenant } from '../../../backend/src/testing/test-app.ts';
import {
  playgroundConfig,
  type RunningPlayground,
  startPlayground,
} from '../../../backend/src/tools/agents-playground.ts';
import { describeInBrowser, launchChromium, screenshot } from '../support/browser.ts';

describeInBrowser('the bot in the Microsoft 365 Agents Playground', () => {
  let world: BotWorld;
  let tenant: TestTenant;
  let playground: RunningPlayground;
  let browser: Browser;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    process.env.BOT_PLAYGROUND = 'true';
    world = await startBotWorld();
    delete process.env.BOT_PLAYGROUND;
    tenant = await world.app.createTenant('Playground Bäckerei', [
      { displayName: 'Klara Korn', preferredLanguage: 'de-DE' },
      { displayName: 'Ben Baker', preferredLanguage: 'en-GB' },
    ]);
    const klara = await tenant.as(tenant.upn('Klara Korn'));
    await klara
      .post('/api/v1/tasks')
      .send({ title: 'Ofen warten lassen', dueAt: new Date().toISOString() })
      .expect(201);
    await tenant.userId(tenant.upn('Ben Baker'));

    dir = mkdtempSync(path.join(tmpdir(), 'crm-playground-'));
    const user = tenant.seed.users.find((candidate) => candidate.displayName === 'Klara Korn');
    if (!user) throw new Error('Klara is not in the seed');
    playground = await startPlayground({
      endpoint: world.endpoint,
      dir,
      config: playgroundConfig(tenant.seed, user, { appId: process.env.BOT_APP_ID ?? '', name: 'CRM' }),
      port: 0,
    });
    browser = await launchChromium();
    page = await browser.newPage({ locale: 'de-DE' });
  });

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const say = async (text: string) => {
    const box = page.getByRole('textbox').first();
    await box.fill(text);
    await box.press('Enter');
  };

  it('greets Klara in German when the Playground installs the app, and answers her commands', async () => {
    await page.goto(playground.url);
    await page.getByText('Hallo Klara Korn', { exact: false }).first().waitFor({ timeout: 60_000 });

    await say('hilfe');
    await page.getByText('diese Übersicht').first().waitFor({ timeout: 60_000 });

    await say('meine Aufgaben');
    await page.getByText('Ofen warten lassen').first().waitFor({ timeout: 60_000 });
    await screenshot(page, 'bot-playground');
  });

  it('still refuses unsigned activities that would answer anywhere but this machine', async () => {
    // BOT_PLAYGROUND takes unsigned activities only for a connector on this machine: one naming
    // Teams' real connector is refused like any activity without a channel token.
    const response = await fetch(world.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ms-agents-playground': 'true' },
      body: JSON.stringify({
        type: 'message',
        text: 'meine Aufgaben',
        channelId: 'msteams',
        serviceUrl: 'https://smba.trafficmanager.net/emea/',
        from: { id: '29:klara', aadObjectId: tenant.seed.users[0]?.id },
        conversation: { id: 'a:klara', conversationType: 'personal', tenantId: tenant.id },
        recipient: { id: `28:${process.env.BOT_APP_ID}` },
      }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});
