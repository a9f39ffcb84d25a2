// An application access policy (Exchange's New-ApplicationAccessPolicy) limits the app's app-only
// Graph access to the mailboxes it names; the real Graph SDK sees Graph's 403 ErrorAccessDenied.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@microsoft/microsoft-graph-client';
import { emulatorClient, type RunningEmulator } from '../index.ts';
import { appToken, delegatedToken, graphClient, graphError, JUERGEN } from './graph-client.ts';
import { ANNA, CONTOSO, startTrustedEmulator } from './trusted-emulator.ts';

describe('application access policy in the emulator', () => {
  let emulator: RunningEmulator;
  let app: Client;

  beforeAll(async () => {
    emulator = await startTrustedEmulator();
    app = graphClient(emulator, await appToken(emulator));
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('lets the app reach only the mailboxes the policy names, until the policy is removed', async () => {
    expect((await app.api(`/users/${JUERGEN}/mailFolders/inbox/messages`).get()).value).toEqual([]);

    // Set over HTTP, as a test in another process does.
    await emulatorClient(emulator.url).graph.setAccessPolicy({ tenantId: CONTOSO, mailboxes: [ANNA] });

    expect((await app.api(`/users/${ANNA}/mailFolders/inbox/messages`).get()).value).toEqual([]);
    const refused = await graphError(app.api(`/users/${JUERGEN}/mailFolders/inbox/messages`).get());
    expect(refused.statusCode).toBe(403);
    expect(refused.code).toBe('ErrorAccessDenied');
    expect(refused.message).toContain('AccessPolicy');

    // Delegated access of the mailbox's own user is not what the policy limits.
    const juergen = graphClient(emulator, await delegatedToken(emulator, JUERGEN));
    expect((await juergen.api('/me/mailFolders/inbox/messages').get()).value).toEqual([]);

    await emulatorClient(emulator.url).graph.setAccessPolicy({ tenantId: CONTOSO, mailboxes: null });
    expect((await app.api(`/users/${JUERGEN}/mailFolders/inbox/messages`).get()).value).toEqual([]);
  });
});
