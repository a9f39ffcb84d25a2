// Sending mail in Graph: POST /sendMail (202), POST /messages (a draft, 201) and POST /messages/{id}/send
// (202). A sent mail lands in the sender's Sent Items with an internetMessageId, and every recipient who
// has a mailbox in the emulator's directory (same tenant) finds it in the inbox, bcc included.
import { randomUUID } from 'node:crypto';
import { badMethod, GraphError, type GraphReply } from './graph-common.ts';
import type { Mailbox, MessageItem, OutlookCall } from './graph-mailbox.ts';
import { findMailFolder, findMessage, type MailInput, messageResource, messageWrites } from './graph-messages.ts';
import { answer, context } from './graph-outlook.ts';

type Address = { address: string; name?: string };

/** Exchange's check of an SMTP address: something@domain, no spaces. */
const SMTP = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

const invalidRecipients = (message: string): GraphError => new GraphError(400, 'ErrorInvalidRecipients', message);

/** The recipients of a message body (`toRecipients` … as Graph's recipient resources). */
function recipientsOf(input: Record<string, unknown>, key: string): Address[] {
  const given = input[key];
  if (given === undefined || given === null) return [];
  if (!Array.isArray(given)) throw new GraphError(400, 'RequestBodyRead', `'${key}' must be a collection.`);
  return given.map((entry) => {
    const email = (entry as { emailAddress?: { address?: unknown; name?: unknown } } | null)?.emailAddress;
    const address = typeof email?.address === 'string' ? email.address.trim() : '';
    if (!SMTP.test(address)) {
      throw invalidRecipients(`At least one recipient is not valid., Recipient '${address}' is not resolved.`);
    }
    return typeof email?.name === 'string' ? { address, name: email.name } : { address };
  });
}

interface Outgoing {
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  to: Address[];
  cc: Address[];
  bcc: Address[];
  headers: Array<{ name: string; value: string }>;
  /** The sender's own RFC 5322 Message-ID, which Graph keeps; made up when not given. */
  internetMessageId?: string;
}

function outgoingOf(input: Record<string, unknown>): Outgoing {
  const body = (input.body ?? {}) as { contentType?: unknown; content?: unknown };
  const contentType = String(body.contentType ?? 'text').toLowerCase();
  if (contentType !== 'text' && contentType !== 'html') {
    throw new GraphError(400, 'RequestBodyRead', `Unknown body contentType '${String(body.contentType)}'.`);
  }
  const headers = Array.isArray(input.internetMessageHeaders) ? input.internetMessageHeaders : [];
  const messageId = input.internetMessageId;
  if (messageId !== undefined && (typeof messageId !== 'string' || !/^<[^\s<>@]+@[^\s<>@]+>$/.test(messageId))) {
    throw new GraphError(
      400,
      'InvalidInternetMessageId',
      `The internet message id '${String(messageId)}' is not an RFC 2822 message id (<local@domain>).`,
    );
  }
  return {
    ...(messageId === undefined ? {} : { internetMessageId: messageId }),
    subject: typeof input.subject === 'string' ? input.subject : '',
    body: { contentType, content: typeof body.content === 'string' ? body.content : '' },
    to: recipientsOf(input, 'toRecipients'),
    cc: recipientsOf(input, 'ccRecipients'),
    bcc: recipientsOf(input, 'bccRecipients'),
    headers: headers.map((header) => {
      const { name, value } = (header ?? {}) as { name?: unknown; value?: unknown };
      // Graph takes only custom headers (x-…) on a message it sends.
      if (typeof name !== 'string' || !/^x-/i.test(name) || typeof value !== 'string') {
        throw new GraphError(
          400,
          'InvalidInternetMessageHeader',
          `The internet message header name '${String(name)}' should start with 'x-' or 'X-'.`,
        );
      }
      return { name, value };
    }),
  };
}

const toRecipient = (entry: Address) => ({
  emailAddress: { name: entry.name ?? entry.address, address: entry.address },
});

/** Sends: the copy in Sent Items (unless not wanted), and one in the inbox of each known recipient. */
function send(
  call: OutlookCall,
  outgoing: Outgoing,
  options: { saveToSentItems: boolean; internetMessageId?: string },
): MessageItem | undefined {
  const everyone = [...outgoing.to, ...outgoing.cc, ...outgoing.bcc];
  if (everyone.length === 0) {
    throw invalidRecipients(
      "At least one recipient is not valid., A message can't be sent because it contains no recipients.",
    );
  }
  const { mailbox, store } = call;
  const sentAt = new Date().toISOString();
  const message: MailInput = {
    subject: outgoing.subject,
    body: outgoing.body,
    from: { address: mailbox.owner.address, name: mailbox.owner.name },
    toRecipients: outgoing.to,
    ccRecipients: outgoing.cc,
    internetMessageId: options.internetMessageId ?? outgoing.internetMessageId ?? `<${randomUUID()}@emulator.example>`,
    conversationId: `AAQk${Buffer.from(randomUUID()).toString('base64url')}`,
    receivedDateTime: sentAt,
    sentDateTime: sentAt,
    internetMessageHeaders: outgoing.headers,
  };
  let sent: MessageItem | undefined;
  if (options.saveToSentItems) {
    sent = messageWrites.deliver(store, mailbox, findMailFolder(mailbox, 'sentitems'), message);
    // Only the sender's copy names the bcc recipients.
    sent.fields.bccRecipients = outgoing.bcc.map(toRecipient);
  }
  const delivered = new Set<Mailbox>();
  for (const recipient of everyone) {
    const target = call.recipientMailbox(recipient.address);
    if (!target || delivered.has(target)) continue;
    delivered.add(target);
    messageWrites.deliver(store, target, findMailFolder(target, 'inbox'), { ...message, isRead: false });
  }
  return sent;
}

/** POST /sendMail: `{ message, saveToSentItems }`, answered 202 without a body. */
export function sendMailRoute(call: OutlookCall): GraphReply {
  if (call.method !== 'POST') throw badMethod();
  const body = call.body();
  const message = body.message;
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw new GraphError(400, 'ErrorInvalidParameter', "The value of the parameter 'Message' is empty.");
  }
  send(call, outgoingOf(message as Record<string, unknown>), { saveToSentItems: body.saveToSentItems !== false });
  return { status: 202 };
}

/** POST /messages: a draft in Drafts (201 with the message). */
export function createDraft(call: OutlookCall): GraphReply {
  const input = call.body();
  const outgoing = outgoingOf(input);
  const { mailbox, store } = call;
  const draft = messageWrites.deliver(store, mailbox, findMailFolder(mailbox, 'drafts'), {
    subject: outgoing.subject,
    body: outgoing.body,
    from: { address: mailbox.owner.address, name: mailbox.owner.name },
    toRecipients: outgoing.to,
    ccRecipients: outgoing.cc,
    ...(outgoing.internetMessageId === undefined ? {} : { internetMessageId: outgoing.internetMessageId }),
    isRead: true,
    internetMessageHeaders: outgoing.headers,
  });
  draft.fields.bccRecipients = outgoing.bcc.map(toRecipient);
  draft.fields.isDraft = true;
  draft.fields.sentDateTime = null;
  return answer(
    call,
    {
      '@odata.context': context(call, 'messages/$entity'),
      ...messageResource(draft, call.preferences.immutableIds),
    },
    undefined,
    201,
  );
}

/** POST /messages/{id}/send: the draft is sent and leaves Drafts (202). */
export function sendDraft(call: OutlookCall, id: string): GraphReply {
  if (call.method !== 'POST') throw badMethod();
  const { mailbox, store } = call;
  const draft = findMessage(mailbox, id);
  if (draft.fields.isDraft !== true) {
    throw new GraphError(400, 'ErrorInvalidOperation', 'Only a draft message can be sent.');
  }
  const recipients = (key: string) => recipientsOf({ [key]: draft.fields[key] }, key);
  send(
    call,
    {
      subject: String(draft.fields.subject ?? ''),
      body: draft.fields.body as Outgoing['body'],
      to: recipients('toRecipients'),
      cc: recipients('ccRecipients'),
      bcc: recipients('bccRecipients'),
      headers: draft.internetMessageHeaders,
    },
    { saveToSentItems: false, internetMessageId: String(draft.fields.internetMessageId) },
  );
  // The draft itself becomes the sent message (its immutable id stays), as Outlook moves it.
  const sentAt = new Date().toISOString();
  Object.assign(draft.fields, { isDraft: false, sentDateTime: sentAt, receivedDateTime: sentAt });
  messageWrites.move(store, mailbox, draft, findMailFolder(mailbox, 'sentitems'));
  return { status: 202 };
}
