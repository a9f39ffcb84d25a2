// A stand-in for office.js's mailbox API, so the real pane runs in a plain browser (try.html):
// the calls the pane makes, with office-js's asynchronous AsyncResult shapes and its errors.
// Options come from `window.__crmOfficeStandIn` (set by the browser tests before the page
// loads) or from the URL (?lang=de-DE&mode=compose&from=…&fromName=…). What the pane writes
// (subject, internet headers, custom properties) is kept in `window.OfficeStandIn.state`.
import './standin.css';
import {
  demoMail,
  type StandInAddress,
  type StandInError,
  type StandInMail,
  type StandInOptions,
} from './demo-mail.ts';

declare global {
  interface Window {
    __crmOfficeStandIn?: StandInOptions;
    OfficeStandIn?: {
      options: StandInOptions;
      mail: StandInMail;
      state: { subject: string; internetHeaders: Record<string, string>; customProperties: Record<string, unknown> };
    };
  }
}

type Callback<T> = ((result: AsyncResult<T>) => void) | undefined;

interface AsyncResult<T> {
  status: 'succeeded' | 'failed';
  value: T;
  error: StandInError | undefined;
  asyncContext: unknown;
  diagnostics: unknown;
}

function optionsFromUrl(): StandInOptions {
  const params = new URLSearchParams(window.location.search);
  const options: StandInOptions = { showMail: true };
  const lang = params.get('lang');
  if (lang) options.displayLanguage = lang;
  if (params.get('mode') === 'compose') options.mode = 'compose';
  const from = params.get('from');
  if (from) {
    options.mail = {
      from: { emailAddress: from, displayName: params.get('fromName') ?? from.split('@')[0] ?? from },
    };
  }
  const to = params.get('to');
  if (to) options.mail = { ...options.mail, to: [{ emailAddress: to, displayName: params.get('toName') ?? to }] };
  return options;
}

const options: StandInOptions = window.__crmOfficeStandIn ?? optionsFromUrl();
const mail = demoMail(options.mail ?? {});
const mode = options.mode ?? 'read';
const state = {
  subject: mode === 'compose' ? '' : mail.subject,
  internetHeaders: { ...mail.internetHeaders } as Record<string, string>,
  customProperties: {} as Record<string, unknown>,
};
window.OfficeStandIn = { options, mail, state };

/** Answers asynchronously, as office.js does, with a failure when the test asked for one. */
function answer<T>(method: string, callback: Callback<T>, value: () => T, key?: string): void {
  const failure = (key ? options.failures?.[`${method}:${key}`] : undefined) ?? options.failures?.[method];
  setTimeout(() => {
    if (!callback) return;
    if (failure) {
      callback({
        status: 'failed',
        value: undefined as T,
        error: failure,
        asyncContext: undefined,
        diagnostics: undefined,
      });
      return;
    }
    try {
      callback({
        status: 'succeeded',
        value: value(),
        error: undefined,
        asyncContext: undefined,
        diagnostics: undefined,
      });
    } catch (error) {
      const failed = error as StandInError;
      callback({
        status: 'failed',
        value: undefined as T,
        error: { code: failed.code ?? 9020, name: failed.name ?? 'GenericResponseError', message: failed.message },
        asyncContext: undefined,
        diagnostics: undefined,
      });
    }
  }, 0);
}

/** office.js passes (options?, callback?) and (value, options?, callback?): the callback is the last function. */
const callbackOf = <T>(args: unknown[]): Callback<T> =>
  [...args].reverse().find((arg): arg is (result: AsyncResult<T>) => void => typeof arg === 'function');

const details = (address: StandInAddress) => ({
  emailAddress: address.emailAddress,
  displayName: address.displayName,
  recipientType: 'externalUser',
});

function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

const invalidAttachment = (id: string): StandInError => ({
  code: 9003,
  name: 'InvalidAttachmentId',
  message: `The attachment ID ${id} is not valid.`,
});

const body = {
  getAsync(coercionType: string, ...rest: unknown[]) {
    answer('body.getAsync', callbackOf<string>(rest), () => (coercionType === 'html' ? mail.bodyHtml : mail.bodyText));
  },
};

function readItem() {
  return {
    itemType: 'message',
    itemId: mail.itemId,
    internetMessageId: mail.internetMessageId ?? '',
    conversationId: mail.conversationId,
    subject: mail.subject,
    normalizedSubject: mail.subject,
    from: details(mail.from),
    sender: details(mail.from),
    to: mail.to.map(details),
    cc: mail.cc.map(details),
    dateTimeCreated: new Date(mail.dateTimeCreated),
    dateTimeModified: new Date(mail.dateTimeCreated),
    attachments: mail.attachments.map((attachment) => ({
      id: attachment.id,
      name: attachment.name,
      contentType: attachment.contentType,
      size:
        attachment.size ??
        (attachment.attachmentType === 'file' ? decodedLength(attachment.content) : attachment.content.length),
      attachmentType: attachment.attachmentType,
      isInline: attachment.isInline,
    })),
    body,
    getAttachmentContentAsync(id: string, ...rest: unknown[]) {
      answer(
        'getAttachmentContentAsync',
        callbackOf(rest),
        () => {
          const attachment = mail.attachments.find((candidate) => candidate.id === id);
          if (!attachment) throw invalidAttachment(id);
          const format =
            attachment.attachmentType === 'cloud' ? 'url' : attachment.attachmentType === 'item' ? 'eml' : 'base64';
          return { format, content: attachment.content };
        },
        id,
      );
    },
    getAllInternetHeadersAsync(...rest: unknown[]) {
      answer('getAllInternetHeadersAsync', callbackOf<string>(rest), () =>
        Object.entries({
          'Message-ID': mail.internetMessageId ?? '',
          Subject: mail.subject,
          ...state.internetHeaders,
        })
          .map(([name, value]) => `${name}: ${value}`)
          .join('\r\n'),
      );
    },
  };
}

function recipientsField(list: StandInAddress[]) {
  return {
    getAsync(...rest: unknown[]) {
      answer('recipients.getAsync', callbackOf(rest), () => list.map(details));
    },
  };
}

function customProperties() {
  return {
    get: (name: string) => state.customProperties[name],
    set: (name: string, value: unknown) => {
      state.customProperties[name] = value;
    },
    remove: (name: string) => {
      delete state.customProperties[name];
    },
    getAll: () => ({ ...state.customProperties }),
    saveAsync(...rest: unknown[]) {
      answer('customProperties.saveAsync', callbackOf<void>(rest), () => undefined);
    },
  };
}

function composeItem() {
  return {
    itemType: 'message',
    conversationId: mail.conversationId,
    subject: {
      getAsync(...rest: unknown[]) {
        answer('subject.getAsync', callbackOf<string>(rest), () => state.subject);
      },
      setAsync(value: string, ...rest: unknown[]) {
        answer('subject.setAsync', callbackOf<void>(rest), () => {
          if (value.length > 255) {
            throw {
              code: 9031,
              name: 'InvalidParameterValueError',
              message: 'The subject is longer than 255 characters.',
            };
          }
          state.subject = value;
        });
      },
    },
    to: recipientsField(mail.to),
    cc: recipientsField(mail.cc),
    body,
    internetHeaders: {
      setAsync(headers: Record<string, string>, ...rest: unknown[]) {
        answer('internetHeaders.setAsync', callbackOf<void>(rest), () => {
          Object.assign(state.internetHeaders, headers);
        });
      },
      getAsync(names: string[], ...rest: unknown[]) {
        answer('internetHeaders.getAsync', callbackOf(rest), () =>
          Object.fromEntries(
            names.filter((name) => name in state.internetHeaders).map((name) => [name, state.internetHeaders[name]]),
          ),
        );
      },
    },
    loadCustomPropertiesAsync(...rest: unknown[]) {
      answer('loadCustomPropertiesAsync', callbackOf(rest), customProperties);
    },
  };
}

const supportedSets: Record<string, string> = { Mailbox: '1.13', NestedAppAuth: options.nestedAppAuth ? '1.1' : '' };
const versionAtLeast = (have: string, want: string) => {
  const a = have.split('.').map(Number);
  const b = want.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
};

const handlers = new Map<string, () => void>();
const Office = {
  AsyncResultStatus: { Succeeded: 'succeeded', Failed: 'failed' },
  CoercionType: { Html: 'html', Text: 'text' },
  EventType: { ItemChanged: 'olkItemSelectedChanged' },
  HostType: { Outlook: 'Outlook' },
  MailboxEnums: {
    AttachmentType: { File: 'file', Item: 'item', Cloud: 'cloud' },
    RestVersion: { v1_0: 'v1.0', v2_0: 'v2.0', Beta: 'beta' },
  },
  context: {
    displayLanguage: options.displayLanguage ?? 'de-DE',
    contentLanguage: options.displayLanguage ?? 'de-DE',
    officeTheme: {
      bodyBackgroundColor: '#ffffff',
      bodyForegroundColor: '#000000',
      controlBackgroundColor: '#ffffff',
      controlForegroundColor: '#000000',
    },
    requirements: {
      isSetSupported(name: string, version = '1.1') {
        const have = supportedSets[name];
        return Boolean(have) && versionAtLeast(have as string, version);
      },
    },
    mailbox: {
      item: mode === 'compose' ? composeItem() : readItem(),
      userProfile: {
        displayName: options.userProfile?.displayName ?? mail.to[0]?.displayName ?? '',
        emailAddress: options.userProfile?.emailAddress ?? mail.to[0]?.emailAddress ?? '',
      },
      diagnostics: { hostName: 'OfficeStandIn', hostVersion: '1.0' },
      // An EWS id is base64, a REST (Graph) id base64url: Outlook converts as this does.
      convertToRestId(itemId: string) {
        return itemId.replace(/\//g, '-').replace(/\+/g, '_');
      },
      convertToEwsId(itemId: string) {
        return itemId.replace(/-/g, '/').replace(/_/g, '+');
      },
      addHandlerAsync(type: string, handler: () => void, ...rest: unknown[]) {
        handlers.set(type, handler);
        answer('addHandlerAsync', callbackOf<void>(rest), () => undefined);
      },
      removeHandlerAsync(type: string, ...rest: unknown[]) {
        handlers.delete(type);
        answer('removeHandlerAsync', callbackOf<void>(rest), () => undefined);
      },
    },
  },
  onReady(callback?: (info: { host: string; platform: string }) => void) {
    const info = { host: 'Outlook', platform: 'OfficeOnline' };
    return new Promise<{ host: string; platform: string }>((resolve) => {
      const ready = () => {
        callback?.(info);
        resolve(info);
      };
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready, { once: true });
      else setTimeout(ready, 0);
    });
  },
};

(window as unknown as { Office: typeof Office }).Office = Office;

// In a wide window, the mail beside the pane, as Outlook shows it.
if (options.showMail) {
  const show = () => {
    const aside = document.createElement('aside');
    aside.className = 'standin-mail';
    aside.setAttribute('aria-label', 'Demo mail');
    const header = document.createElement('header');
    const line = (label: string, text: string) => {
      const row = document.createElement('div');
      const strong = document.createElement('strong');
      strong.textContent = `${label} `;
      row.append(strong, text);
      return row;
    };
    const heading = document.createElement('h1');
    heading.textContent = mode === 'compose' ? '(Entwurf)' : mail.subject;
    const people = (list: StandInAddress[]) => list.map((a) => `${a.displayName} <${a.emailAddress}>`).join(', ');
    header.append(
      heading,
      line('Von:', people([mail.from])),
      line('An:', people(mail.to)),
      line('Cc:', people(mail.cc)),
    );
    const text = document.createElement('pre');
    text.textContent = mail.bodyText;
    const files = document.createElement('ul');
    for (const attachment of mail.attachments.filter((candidate) => !candidate.isInline)) {
      const item = document.createElement('li');
      item.textContent = attachment.name;
      files.append(item);
    }
    aside.append(header, files, text);
    document.body.prepend(aside);
    document.body.classList.add('standin-wide');
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show, { once: true });
  else show();
}
