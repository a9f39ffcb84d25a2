// Outlook mail through the real Graph client: well-known folders, a delivered mail with its recipients,
// sensitivity and attachments, delta rounds (paging, receivedDateTime filter, @removed, 410) and
// change notifications on a folder's messages.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@microsoft/microsoft-graph-client';
import { type RunningEmulator, SENSITIVITY_PROPERTY } from '../index.ts';
import { appToken, delegatedToken, deltaRound, graphClient, graphError, JUERGEN } from './graph-client.ts';
import { ANNA, FABRIKAM, startTrustedEmulator } from './trusted-emulator.ts';

const PDF = Buffer.from('%PDF-1.4 Angebot').toString('base64');

describe('Graph mail in the emulator', () => {
  let emulator: RunningEmulator;
  let anna: Client;
  let app: Client;

  beforeAll(async () => {
    emulator = await startTrustedEmulator();
    anna = graphClient(emulator, await delegatedToken(emulator));
    app = graphClient(emulator, await appToken(emulator));
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('delivers a mail into the inbox with sender, recipients, sensitivity and attachments', async () => {
    const inbox = await anna.api('/me/mailFolders/inbox').get();
    expect(inbox).toMatchObject({ displayName: 'Inbox', totalItemCount: 0 });
    const sent = await anna.api("/me/mailFolders('SentItems')").get();
    expect(sent.displayName).toBe('Sent Items');
    const folders = await anna.api('/me/mailFolders').get();
    expect(folders.value.map((folder: { displayName: string }) => folder.displayName)).toEqual(
      expect.arrayContaining(['Inbox', 'Sent Items', 'Drafts', 'Deleted Items']),
    );

    const delivered = emulator.graph.deliverMail({
      user: ANNA,
      message: {
        subject: 'Angebot Hafenkran',
        body: { contentType: 'html', content: '<p>Guten Tag Frau Schmidt,</p><p>anbei das Angebot.</p>' },
        from: { address: 'petra.lange@lange-logistik.example', name: 'Petra Lange' },
        toRecipients: [{ address: ANNA, name: 'Anna Schmidt' }],
        ccRecipients: [{ address: 'einkauf@lange-logistik.example' }],
        internetMessageId: '<angebot-1@lange-logistik.example>',
        sensitivity: 'confidential',
        attachments: [{ name: 'Angebot.pdf', contentType: 'application/pdf', contentBytes: PDF }],
      },
    });
    expect(delivered.internetMessageId).toBe('<angebot-1@lange-logistik.example>');

    const message = await app
      .api(`/users/${ANNA}/messages/${delivered.immutableId}`)
      .header('Prefer', 'IdType="ImmutableId"')
      .expand(`singleValueExtendedProperties($filter=id eq '${SENSITIVITY_PROPERTY}')`)
      .get();
    expect(message).toMatchObject({
      id: delivered.immutableId,
      subject: 'Angebot Hafenkran',
      internetMessageId: '<angebot-1@lange-logistik.example>',
      parentFolderId: inbox.id,
      hasAttachments: true,
      from: { emailAddress: { address: 'petra.lange@lange-logistik.example', name: 'Petra Lange' } },
      toRecipients: [{ emailAddress: { address: ANNA, name: 'Anna Schmidt' } }],
      ccRecipients: [{ emailAddress: { address: 'einkauf@lange-logistik.example' } }],
      body: { contentType: 'html' },
      bodyPreview: expect.stringContaining('anbei das Angebot'),
      singleValueExtendedProperties: [{ id: SENSITIVITY_PROPERTY, value: '3' }],
    });
    const attachments = await anna.api(`/me/messages/${delivered.id}/attachments`).get();
    expect(attachments.value).toEqual([
      expect.objectContaining({
        '@odata.type': '#microsoft.graph.fileAttachment',
        name: 'Angebot.pdf',
        contentType: 'application/pdf',
        size: 16,
        isInline: false,
        contentBytes: PDF,
      }),
    ]);
    const one = await anna.api(`/me/messages/${delivered.id}/attachments/${attachments.value[0].id}`).get();
    expect(Buffer.from(one.contentBytes, 'base64').toString()).toBe('%PDF-1.4 Angebot');
    const listed = await anna.api('/me/mailFolders/inbox/messages').select('subject').get();
    expect(listed.value).toEqual([expect.objectContaining({ id: delivered.id, subject: 'Angebot Hafenkran' })]);
    expect(listed.value[0]).not.toHaveProperty('body');
  });

  it('reaches mail only with Mail permissions and only in the own tenant', async () => {
    const colleague = await graphError(anna.api(`/users/${JUERGEN}/messages`).get());
    expect(colleague).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
    const fabrikamApp = graphClient(emulator, await appToken(emulator, FABRIKAM));
    const otherTenant = await graphError(fabrikamApp.api(`/users/${ANNA}/mailFolders/inbox/messages`).get());
    expect(otherTenant.statusCode).toBe(404);
    // The CRM app has Mail.Read, not Mail.ReadWrite.
    const { id } = emulator.graph.deliverMail({ user: ANNA, message: { from: { address: 'x@example.com' } } });
    const write = await graphError(app.api(`/users/${ANNA}/messages/${id}`).delete());
    expect(write).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
    const unknownFolder = await graphError(anna.api('/me/mailFolders/nosuchfolder/messages').get());
    expect(unknownFolder).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
  });

  it('pages a message delta, keeps its receivedDateTime filter in the tokens, and names removals', async () => {
    const old = new Date(Date.now() - 40 * 24 * 3600 * 1000).toISOString();
    emulator.graph.deliverMail({
      user: JUERGEN,
      message: { subject: 'Alt', from: { address: 'a@example.com' }, receivedDateTime: old },
    });
    for (let index = 1; index <= 12; index += 1) {
      emulator.graph.deliverMail({
        user: JUERGEN,
        message: { subject: `Neu ${index}`, from: { address: 'b@example.com' } },
      });
    }
    const sentItem = emulator.graph.deliverMail({
      user: JUERGEN,
      folder: 'sentitems',
      message: { subject: 'Gesendet', from: { address: JUERGEN }, toRecipients: [{ address: 'b@example.com' }] },
    });
    const juergen = graphClient(emulator, await delegatedToken(emulator, JUERGEN));
    const since = new Date(Date.now() - 30 * 24 * 3600 * 1000).toISOString();
    const first = await deltaRound(
      juergen,
      `/me/mailFolders/inbox/messages/delta?$filter=receivedDateTime ge ${since}&$select=subject,internetMessageId`,
      ['odata.maxpagesize=5', 'IdType="ImmutableId"'],
    );
    expect(first.pages).toBe(3);
    expect(first.items).toHaveLength(12);
    expect(first.items.map((item) => item.subject)).not.toContain('Alt');
    expect(first.items[0]).not.toHaveProperty('body');

    const gone = first.items[0];
    emulator.graph.deleteMessage({ user: JUERGEN, id: String(gone?.id) });
    const late = emulator.graph.deliverMail({
      user: JUERGEN,
      message: { subject: 'Später', from: { address: 'c@example.com' } },
    });
    const second = await deltaRound(juergen, first.deltaLink, ['IdType="ImmutableId"']);
    expect(second.items).toEqual(
      expect.arrayContaining([
        { '@odata.type': '#microsoft.graph.message', id: gone?.id, '@removed': { reason: 'deleted' } },
        expect.objectContaining({ id: late.immutableId, subject: 'Später' }),
      ]),
    );
    expect(second.items).toHaveLength(2);
    expect(second.items[1]).not.toHaveProperty('body');

    const sent = await deltaRound(juergen, "/me/mailFolders('sentitems')/messages/delta");
    expect(sent.items).toEqual([expect.objectContaining({ id: sentItem.id, subject: 'Gesendet' })]);

    emulator.graph.expireDeltaTokens();
    const expired = await graphError(juergen.api(second.deltaLink).get());
    expect(expired).toMatchObject({ statusCode: 410, code: 'SyncStateNotFound' });
    const badFilter = await graphError(
      juergen.api("/me/mailFolders/inbox/messages/delta?$filter=subject eq 'x'").get(),
    );
    expect(badFilter.statusCode).toBe(400);
  });

  it('notifies a subscription on a folder by well-known name when a mail arrives there', async () => {
    const received: Array<Record<string, unknown>> = [];
    const server: Server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const token = url.searchParams.get('validationToken');
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (token !== null) {
          response.writeHead(200, { 'content-type': 'text/plain' }).end(token);
          return;
        }
        received.push(...JSON.parse(Buffer.concat(chunks).toString('utf8')).value);
        response.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const subscription = await app.api('/subscriptions').post({
        changeType: 'created,updated,deleted',
        notificationUrl: `http://localhost:${(server.address() as AddressInfo).port}/notify`,
        resource: `users/${ANNA}/mailFolders('inbox')/messages`,
        expirationDateTime: new Date(Date.now() + 24 * 3600 * 1000).toISOString(),
        clientState: 'geheim',
      });
      emulator.graph.deliverMail({ user: ANNA, folder: 'sentitems', message: { from: { address: ANNA } } });
      const { id } = emulator.graph.deliverMail({ user: ANNA, message: { from: { address: 'kunde@example.com' } } });
      await emulator.graph.settleNotifications();
      expect(received).toEqual([
        expect.objectContaining({
          subscriptionId: subscription.id,
          changeType: 'created',
          clientState: 'geheim',
          resourceData: expect.objectContaining({ '@odata.type': '#Microsoft.Graph.Message', id }),
        }),
      ]);
      await app.api(`/subscriptions/${subscription.id}`).delete();
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });
});
