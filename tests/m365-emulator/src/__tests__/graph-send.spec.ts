// Sending mail through the real Graph client: sendMail lands in Sent Items and in the inboxes of the
// recipients the directory knows (bcc too, unnamed to them), a draft is created and sent, and Graph's
// refusals: no recipients, a bad address, no Mail.Send, a 429 with Retry-After.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Client, ResponseType } from '@microsoft/microsoft-graph-client';
import type { RunningEmulator } from '../index.ts';
import { loadSeed } from '../seed.ts';
import { appToken, delegatedToken, graphClient, graphError, JUERGEN } from './graph-client.ts';
import { ANNA, startTrustedEmulator } from './trusted-emulator.ts';

const BJOERN = 'bjoern.mueller@contoso.example';

type Message = Record<string, unknown> & { internetMessageId: string; subject: string };

describe('sending mail in the emulator', () => {
  let emulator: RunningEmulator;
  let anna: Client;
  let juergen: Client;
  let app: Client;

  beforeAll(async () => {
    // This tenant consented to drafts (Mail.ReadWrite) for users, and not to sending as the app.
    const seed = loadSeed();
    const crm = seed.apps.find((entry) => entry.displayName === 'CRM for Microsoft 365');
    const graph = crm?.requiredResourceAccess.graph;
    if (!graph) throw new Error('the seed has no CRM app');
    graph.delegated = [...(graph.delegated ?? []), 'Mail.ReadWrite'];
    graph.application = (graph.application ?? []).filter((role) => role !== 'Mail.Send');
    emulator = await startTrustedEmulator({ seed });
    anna = graphClient(emulator, await delegatedToken(emulator));
    juergen = graphClient(emulator, await delegatedToken(emulator, JUERGEN));
    app = graphClient(emulator, await appToken(emulator));
  });
  afterAll(async () => {
    await emulator.stop();
  });

  const folder = async (client: Client, name: string): Promise<Message[]> =>
    (
      (await client
        .api(`/me/mailFolders/${name}/messages`)
        .select(['subject', 'internetMessageId', 'bccRecipients', 'from', 'toRecipients', 'isDraft'])
        .get()) as { value: Message[] }
    ).value;

  it('sends a mail: a copy in Sent Items, and one in the inbox of each colleague it is addressed to', async () => {
    const response: Response = await anna
      .api('/me/sendMail')
      .responseType(ResponseType.RAW)
      .post({
        message: {
          subject: 'Angebot Hafenkran [CRM-D-1]',
          body: { contentType: 'HTML', content: '<p>Anbei das Angebot.</p>' },
          toRecipients: [{ emailAddress: { address: 'petra.lange@lange-logistik.example', name: 'Petra Lange' } }],
          ccRecipients: [{ emailAddress: { address: JUERGEN } }],
          bccRecipients: [{ emailAddress: { address: BJOERN } }],
        },
        saveToSentItems: true,
      });
    expect(response.status).toBe(202);

    const [sent] = await folder(anna, 'sentitems');
    expect(sent).toMatchObject({
      subject: 'Angebot Hafenkran [CRM-D-1]',
      internetMessageId: expect.stringMatching(/^<.+@.+>$/),
      from: { emailAddress: { address: ANNA, name: 'Anna Schmidt' } },
      toRecipients: [{ emailAddress: { address: 'petra.lange@lange-logistik.example', name: 'Petra Lange' } }],
      bccRecipients: [{ emailAddress: { address: BJOERN } }],
    });
    const [received] = await folder(juergen, 'inbox');
    expect(received).toMatchObject({ subject: sent?.subject, internetMessageId: sent?.internetMessageId });
    const bjoern = emulator.graph.mailFolders({ user: BJOERN });
    expect(bjoern.inbox).toBeDefined();
    const bjoernsInbox = await app
      .api(`/users/${BJOERN}/mailFolders/inbox/messages`)
      .select(['internetMessageId', 'bccRecipients'])
      .get();
    expect(bjoernsInbox.value).toEqual([
      expect.objectContaining({ internetMessageId: sent?.internetMessageId, bccRecipients: [] }),
    ]);
  });

  it('keeps the internetMessageId the sender gives, so the sender can find its mail again', async () => {
    await anna.api('/me/sendMail').post({
      message: {
        subject: 'Mit eigener Kennung',
        internetMessageId: '<crm-1234@crm.example>',
        toRecipients: [{ emailAddress: { address: JUERGEN } }],
      },
    });
    const sent = (await folder(anna, 'sentitems')).find((message) => message.subject === 'Mit eigener Kennung');
    expect(sent?.internetMessageId).toBe('<crm-1234@crm.example>');
    const bad = await graphError(
      anna.api('/me/sendMail').post({
        message: { internetMessageId: 'ohne-spitze-klammern', toRecipients: [{ emailAddress: { address: JUERGEN } }] },
      }),
    );
    expect(bad).toMatchObject({ statusCode: 400, code: 'InvalidInternetMessageId' });
  });

  it('writes a draft and sends it: it leaves Drafts for Sent Items with its internetMessageId', async () => {
    const draft = (await anna.api('/me/messages').post({
      subject: 'Entwurf',
      body: { contentType: 'Text', content: 'Hallo Jürgen' },
      toRecipients: [{ emailAddress: { address: JUERGEN } }],
    })) as Message & { id: string; isDraft: boolean };
    expect(draft).toMatchObject({ subject: 'Entwurf', isDraft: true });
    expect((await folder(anna, 'drafts')).map((message) => message.subject)).toEqual(['Entwurf']);

    await anna.api(`/me/messages/${draft.id}/send`).post({});
    expect(await folder(anna, 'drafts')).toEqual([]);
    const sent = (await folder(anna, 'sentitems')).find((message) => message.subject === 'Entwurf');
    expect(sent).toMatchObject({ internetMessageId: draft.internetMessageId, isDraft: false });
    const inbox = await folder(juergen, 'inbox');
    expect(inbox.map((message) => message.internetMessageId)).toContain(draft.internetMessageId);
  });

  it('refuses a mail without recipients or with a bad address, as Graph does', async () => {
    const none = await graphError(anna.api('/me/sendMail').post({ message: { subject: 'Leer', toRecipients: [] } }));
    expect(none).toMatchObject({ statusCode: 400, code: 'ErrorInvalidRecipients' });
    const bad = await graphError(
      anna.api('/me/sendMail').post({ message: { toRecipients: [{ emailAddress: { address: 'kein-at-zeichen' } }] } }),
    );
    expect(bad).toMatchObject({ statusCode: 400, code: 'ErrorInvalidRecipients' });
    const draft = (await anna.api('/me/messages').post({ subject: 'Ohne Empfänger' })) as { id: string };
    const unsent = await graphError(anna.api(`/me/messages/${draft.id}/send`).post({}));
    expect(unsent).toMatchObject({ statusCode: 400, code: 'ErrorInvalidRecipients' });
  });

  it('sends only with Mail.Send, and for the own mailbox only', async () => {
    const asApp = await graphError(
      app.api(`/users/${ANNA}/sendMail`).post({ message: { toRecipients: [{ emailAddress: { address: JUERGEN } }] } }),
    );
    expect(asApp).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
    const forColleague = await graphError(
      anna.api(`/users/${JUERGEN}/sendMail`).post({ message: { toRecipients: [{ emailAddress: { address: ANNA } }] } }),
    );
    expect(forColleague).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
    const ownByUpn: Response = await anna
      .api(`/users/${ANNA}/sendMail`)
      .responseType(ResponseType.RAW)
      .post({ message: { subject: 'Über users', toRecipients: [{ emailAddress: { address: JUERGEN } }] } });
    expect(ownByUpn.status).toBe(202);
  });

  it('answers 429 with Retry-After when throttled', async () => {
    emulator.graph.addFault({ status: 429, path: '/sendMail', retryAfterSeconds: 7 });
    const token = await delegatedToken(emulator);
    const response = await fetch(`${emulator.url}/v1.0/me/sendMail`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: { toRecipients: [{ emailAddress: { address: JUERGEN } }] } }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
  });
});
