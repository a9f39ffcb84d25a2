// The mail the stand-in shows: by default a German customer mail with two attachments and an
// inline image; the browser tests and the try-it URL choose the sender and the rest.

export interface StandInAttachment {
  id: string;
  name: string;
  contentType: string;
  attachmentType: 'file' | 'item' | 'cloud';
  isInline: boolean;
  /** base64 for files, the .eml text for items, the URL for cloud attachments. */
  content: string;
  /** Defaults to the decoded content's length. */
  size?: number;
}

export interface StandInAddress {
  emailAddress: string;
  displayName: string;
}

export interface StandInMail {
  itemId: string;
  internetMessageId: string | null;
  conversationId: string;
  subject: string;
  from: StandInAddress;
  to: StandInAddress[];
  cc: StandInAddress[];
  dateTimeCreated: string;
  bodyHtml: string;
  bodyText: string;
  attachments: StandInAttachment[];
  internetHeaders: Record<string, string>;
}

export interface StandInError {
  code: number;
  name: string;
  message: string;
}

export interface StandInOptions {
  displayLanguage?: string;
  mode?: 'read' | 'compose';
  nestedAppAuth?: boolean;
  /** The mailbox owner (Office.context.mailbox.userProfile); default the mail's first recipient. */
  userProfile?: StandInAddress;
  mail?: Partial<StandInMail>;
  /** Office errors to answer, by method (`body.getAsync`, `getAttachmentContentAsync`, …) or `method:<attachment id>`. */
  failures?: Record<string, StandInError>;
  /** Wider than a pane: show the mail beside it, as Outlook would. */
  showMail?: boolean;
}

function base64Of(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A small, valid one-page PDF whose text is `line`. */
export function pdfOf(line: string): string {
  const stream = `BT /F1 18 Tf 60 760 Td (${line.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(pdf.length);
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return base64Of(pdf);
}

/** A CSV price list, as a spreadsheet export would be. */
function priceList(): string {
  const rows = [
    'Artikel;Bezeichnung;Preis EUR',
    'CRM-BAS;Basislizenz je Nutzer und Monat;29,00',
    'CRM-PRO;Professional je Nutzer und Monat;49,00',
    'SVC-EIN;Einführungsworkshop (Tag);1.450,00',
  ];
  return base64Of(`${rows.join('\r\n')}\r\n`);
}

// A 1×1 PNG: the signature logo embedded in the body.
const LOGO_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

export function demoMail(overrides: Partial<StandInMail> = {}): StandInMail {
  const from = overrides.from ?? { emailAddress: 'jana.keller@example.de', displayName: 'Jana Keller' };
  const firstName = from.displayName.split(/\s+/)[0] ?? '';
  const bodyText = `Guten Tag,\n\nanbei wie besprochen unser Angebot und die aktuelle Preisliste.\nKönnen wir nächste Woche telefonieren?\n\nViele Grüße\n${from.displayName}`;
  const bodyHtml = `<html><body><p>Guten Tag,</p><p>anbei wie besprochen unser <b>Angebot</b> und die aktuelle Preisliste.<br>Können wir nächste Woche telefonieren?</p><p>Viele Grüße<br>${from.displayName}</p><p><img src="cid:logo@demo" alt="Logo" width="1" height="1"></p></body></html>`;
  return {
    itemId: 'AAMkAGStandInItem0001',
    internetMessageId: '<demo-0001@mail.example.de>',
    conversationId: 'AAQkAGStandInConversation0001',
    subject: 'Angebot 2026-117 und Preisliste',
    to: [{ emailAddress: 'anna.schmidt@contoso.example', displayName: 'Anna Schmidt' }],
    cc: [{ emailAddress: 'petra.neumann@neukunde-beispiel.de', displayName: 'Petra Neumann' }],
    dateTimeCreated: new Date(Date.now() - 2 * 3600 * 1000).toISOString(),
    bodyHtml,
    bodyText,
    attachments: [
      {
        id: 'att-offer',
        name: 'Angebot-2026-117.pdf',
        contentType: 'application/pdf',
        attachmentType: 'file',
        isInline: false,
        content: pdfOf(`Angebot 2026-117 fuer ${firstName}`),
      },
      {
        id: 'att-prices',
        name: 'Preisliste-2026.csv',
        contentType: 'text/csv',
        attachmentType: 'file',
        isInline: false,
        content: priceList(),
      },
      {
        id: 'att-logo',
        name: 'logo.png',
        contentType: 'image/png',
        attachmentType: 'file',
        isInline: true,
        content: LOGO_PNG,
      },
    ],
    internetHeaders: {},
    ...overrides,
    from,
  };
}
