// Mail bodies as we keep them: HTML through an allow-list (no scripts, no event handlers, no
// javascript: links, images only from cid:, data:image or https), and plain text for search.
import sanitizeHtml from 'sanitize-html';

const UNIT = '(?:px|pt|em|rem|%|ex|ch|cm|mm|in|vw|vh)?';
const NUMBER = `-?\\d+(?:\\.\\d+)?${UNIT}`;
const LENGTH = [new RegExp(`^(?:${NUMBER}|auto|0)$`, 'i')];
const LENGTHS = [new RegExp(`^(?:${NUMBER}|auto)(?:\\s+(?:${NUMBER}|auto)){0,3}$`, 'i')];
const COLOR = [/^#[0-9a-f]{3,8}$/i, /^rgba?\(\s*[\d\s.,%]+\)$/i, /^[a-z]{3,30}$/i];
/** Anything in a border or font shorthand except what could load or run something. */
const SHORTHAND = [/^(?!.*(?:url|expression|image|\\))[\w\s#.,%()'"-]{1,200}$/i];
const KEYWORD = [/^[a-z-]{1,30}$/i];

const allowedStyles: sanitizeHtml.IOptions['allowedStyles'] = {
  '*': {
    color: COLOR,
    'background-color': COLOR,
    font: SHORTHAND,
    'font-family': [/^[\w\s,"'-]{1,200}$/],
    'font-size': [...LENGTH, ...KEYWORD],
    'font-weight': [/^(?:normal|bold|bolder|lighter|\d{3})$/i],
    'font-style': KEYWORD,
    'text-decoration': [/^[a-z\s-]{1,60}$/i],
    'text-align': KEYWORD,
    'text-indent': LENGTH,
    'text-transform': KEYWORD,
    'vertical-align': [...LENGTH, ...KEYWORD],
    'line-height': [...LENGTH, /^\d+(?:\.\d+)?$/, ...KEYWORD],
    'letter-spacing': LENGTH,
    'white-space': KEYWORD,
    'list-style-type': KEYWORD,
    display: [/^(?:none|block|inline|inline-block|table|table-row|table-cell|list-item)$/i],
    margin: LENGTHS,
    'margin-top': LENGTH,
    'margin-right': LENGTH,
    'margin-bottom': LENGTH,
    'margin-left': LENGTH,
    padding: LENGTHS,
    'padding-top': LENGTH,
    'padding-right': LENGTH,
    'padding-bottom': LENGTH,
    'padding-left': LENGTH,
    border: SHORTHAND,
    'border-top': SHORTHAND,
    'border-right': SHORTHAND,
    'border-bottom': SHORTHAND,
    'border-left': SHORTHAND,
    'border-color': SHORTHAND,
    'border-style': SHORTHAND,
    'border-width': LENGTHS,
    'border-collapse': KEYWORD,
    'border-spacing': LENGTHS,
    'border-radius': LENGTHS,
    width: LENGTH,
    height: LENGTH,
    'max-width': LENGTH,
    'min-width': LENGTH,
    'max-height': LENGTH,
  },
};

/** Where images may come from: the mail itself (cid:), raster data: URLs, or https. */
const IMAGE_SOURCE = /^(?:cid:|https:\/\/|data:image\/(?:png|jpe?g|gif|webp|bmp);base64,)/i;

const MAIL_HTML: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center', 'del', 'ins', 'big', 'strike', 'tt'],
  allowedAttributes: {
    '*': ['style', 'title', 'dir', 'lang', 'align', 'valign', 'width', 'height', 'bgcolor'],
    a: ['href', 'name', 'target', 'rel'],
    img: ['src', 'alt', 'width', 'height', 'border'],
    table: ['border', 'cellpadding', 'cellspacing', 'summary'],
    td: ['colspan', 'rowspan', 'nowrap', 'scope'],
    th: ['colspan', 'rowspan', 'nowrap', 'scope'],
    col: ['span'],
    colgroup: ['span'],
    font: ['color', 'face', 'size'],
    ol: ['start', 'type'],
    ul: ['type'],
    li: ['value'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['cid', 'data', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  allowedStyles,
  parseStyleAttributes: true,
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'xml', 'template'],
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' },
    }),
  },
  // An image without a source we allow (a relative one, an SVG or HTML data: URL) goes entirely.
  exclusiveFilter: (frame) => frame.tag === 'img' && !IMAGE_SOURCE.test(frame.attribs.src?.trim() ?? ''),
};

export function sanitizeMailHtml(html: string): string {
  return sanitizeHtml(html, MAIL_HTML).trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code =
        entity[1] === 'x' || entity[1] === 'X' ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/** The readable text of an HTML body: blocks on their own lines, no markup, entities decoded. */
export function htmlToText(html: string): string {
  const withBreaks = html
    .replace(/<(?:br|\/p|\/div|\/tr|\/li|\/h[1-6]|\/table|hr)\b[^>]*>/gi, '$&\n')
    .replace(/<\/t[dh]>/gi, '$& ');
  const stripped = sanitizeHtml(withBreaks, {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'xml', 'template'],
  });
  return decodeEntities(stripped)
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n[ \n]*/g, '\n')
    .trim();
}
