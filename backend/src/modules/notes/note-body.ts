// Rich text of notes: HTML from a client is never stored as sent. It passes an allow-list
// sanitizer (sanitize-html); Markdown is kept as written and rendered (marked) through the same
// sanitizer. Every note also has a plain-text form, for search and previews.
import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { problem } from '../../http/problems.ts';

export type NoteFormat = 'html' | 'markdown';

export interface NoteBodyInput {
  format: NoteFormat;
  body: string;
}

export interface RenderedNote {
  format: NoteFormat;
  /** What is stored as the note's source: sanitized HTML, or the Markdown as written. */
  source: string;
  html: string;
  text: string;
}

/** Bytes of source (UTF-8) a note may have. */
export const NOTE_SOURCE_LIMIT = 100 * 1024;

const SAFE_HREF = /^(https?:\/\/|mailto:)/i;

const SANITIZER: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    'u',
    's',
    'ul',
    'ol',
    'li',
    'a',
    'h2',
    'h3',
    'h4',
    'blockquote',
    'code',
    'pre',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href', 'rel'], th: ['colspan', 'rowspan'], td: ['colspan', 'rowspan'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Near relatives of allowed tags keep their meaning instead of losing it.
  transformTags: {
    h1: 'h2',
    h5: 'h4',
    h6: 'h4',
    b: 'strong',
    i: 'em',
    del: 's',
    strike: 's',
    // A link that does not go to the web or to a mail address loses its tag and keeps its text.
    a: (tagName, attribs): sanitizeHtml.Tag => {
      const href = (attribs.href ?? '').trim();
      return SAFE_HREF.test(href)
        ? { tagName, attribs: { href, rel: 'noopener noreferrer' } }
        : { tagName: 'span', attribs: {} };
    },
  },
};

export const sanitizeNoteHtml = (html: string) => sanitizeHtml(html, SANITIZER);

const BLOCK_END = /<br\s*\/?>|<\/(p|li|h2|h3|h4|blockquote|pre|tr|ul|ol|table)>/gi;

/** Plain text of sanitized HTML: blocks on lines of their own, entities decoded. */
export function htmlToText(html: string): string {
  const spaced = html.replace(BLOCK_END, (tag) => `${tag}\n`).replace(/<\/t[dh]>/gi, (tag) => `${tag} `);
  return sanitizeHtml(spaced, { allowedTags: [], allowedAttributes: {} })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * Sanitizes or renders a note body. 413 over the size limit; 400 when nothing readable is left
 * (a note of only a script, or only whitespace). `pointer` names the source text in the request.
 */
export function renderNoteBody(input: NoteBodyInput, pointer = '#/body/body'): RenderedNote {
  const bytes = Buffer.byteLength(input.body, 'utf8');
  if (bytes > NOTE_SOURCE_LIMIT) {
    throw problem(
      'note_too_large',
      { kb: NOTE_SOURCE_LIMIT / 1024, limit: NOTE_SOURCE_LIMIT, bytes },
      { at: { pointer } },
    );
  }
  const html =
    input.format === 'html'
      ? sanitizeNoteHtml(input.body)
      : sanitizeNoteHtml(marked.parse(input.body, { async: false, gfm: true, breaks: true })).trim();
  const text = htmlToText(html);
  if (text === '') {
    const onlyUnsafe = input.body.trim() !== '';
    throw problem(onlyUnsafe ? 'note_empty_after_sanitizing' : 'note_empty', {}, { at: { pointer } });
  }
  return { format: input.format, source: input.format === 'html' ? html : input.body, html, text };
}
