// A comment's text as a person types it (`@Käthe Schäfer`) and as the API stores it
// (`@[Käthe Schäfer](user:<id>)`): the box shows names only; the chosen colleagues are kept beside
// the text and become tokens when it is sent, so deleting part of a name simply drops the mention.

export interface ChosenMention {
  userId: string;
  name: string;
}

/** The API's mention token (see the comments contract). */
const MENTION =
  /@\[([^\]\n]{1,200})\]\(user:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\)/g;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A name as the token can carry it (no closing bracket, no line break, at most 200 characters). */
const tokenName = (name: string) => name.replace(/[\]\n\r]/g, ' ').slice(0, 200);

/** The typed text with each still-present `@Name` of a chosen colleague as the API's token. */
export function toBody(text: string, chosen: readonly ChosenMention[]): string {
  const byName = new Map(chosen.filter((mention) => mention.name !== '').map((mention) => [mention.name, mention]));
  if (byName.size === 0) return text;
  // Longest names first, so "@Anna Schmidt" is not taken for "@Anna".
  const names = [...byName.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`@(${names.map(escapeRegExp).join('|')})`, 'g');
  return text.replace(pattern, (_whole, name: string) => {
    const mention = byName.get(name) as ChosenMention;
    return `@[${tokenName(mention.name)}](user:${mention.userId})`;
  });
}

/** A stored body as the box shows it, with its colleagues (current names where known). */
export function fromBody(body: string, names: ReadonlyMap<string, string>): { text: string; chosen: ChosenMention[] } {
  const chosen = new Map<string, ChosenMention>();
  const text = body.replace(MENTION, (_token, written: string, id: string) => {
    const userId = id.toLowerCase();
    const name = names.get(userId) || written;
    chosen.set(userId, { userId, name });
    return `@${name}`;
  });
  return { text, chosen: [...chosen.values()] };
}

export type BodyPart = { text: string } | { mention: ChosenMention };

/** A stored body in parts to show: plain text, and mentions with the colleague's current name. */
export function bodyParts(body: string, names: ReadonlyMap<string, string>): BodyPart[] {
  const parts: BodyPart[] = [];
  let from = 0;
  for (const match of body.matchAll(MENTION)) {
    if (match.index > from) parts.push({ text: body.slice(from, match.index) });
    const userId = (match[2] as string).toLowerCase();
    parts.push({ mention: { userId, name: names.get(userId) || (match[1] as string) } });
    from = match.index + match[0].length;
  }
  if (from < body.length) parts.push({ text: body.slice(from) });
  return parts;
}

/**
 * The mention being typed at the caret: an `@` at the start or after a space, followed by up to
 * 40 characters without a line break or another `@` (names have spaces, so they may too).
 */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const start = before.lastIndexOf('@');
  if (start < 0) return null;
  if (start > 0 && !/\s/.test(before[start - 1] as string)) return null;
  const query = before.slice(start + 1);
  if (query.length > 40 || /[\n\r@]/.test(query) || query.startsWith(' ')) return null;
  return { start, query };
}
