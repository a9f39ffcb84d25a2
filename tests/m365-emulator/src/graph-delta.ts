// Delta queries as Outlook answers them: a first round of every item paged by @odata.nextLink, then only
// what changed since a @odata.deltaLink, deletions as @removed. State lives here, keyed by the tokens.
import { randomBytes } from 'node:crypto';
import { GraphError } from './graph-common.ts';

/** One item as a delta round sees it. */
export interface DeltaItem {
  key: string;
  changeKey: string;
  /** Where the item was when seen: a removal names it with the id it had there. */
  folderId: string;
  render: () => Record<string, unknown>;
}

interface Seen {
  changeKey: string;
  folderId: string;
}

interface Session {
  scope: string;
  /** The page size asked for when the round began; later pages keep it unless asked otherwise. */
  pageSize: number;
  /** What the round still has to answer, rendered when its page is asked for. */
  pending: Array<() => Record<string, unknown>>;
  seen: Map<string, Seen>;
}

const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 1000;

export const syncStateNotFound = (): GraphError =>
  new GraphError(
    410,
    'SyncStateNotFound',
    'The sync state generation is no longer valid. Please perform a full synchronization.',
  );

export class DeltaTokens {
  /** $deltatoken → what the client had seen when it got the link; kept, so a link can be replayed. */
  readonly #links = new Map<string, { scope: string; seen: Map<string, Seen> }>();
  /** $skiptoken → the rest of a round; kept too, so a page that failed on the way can be asked again. */
  readonly #pages = new Map<string, Session>();

  /** Forgets every token: the next request with one answers 410, as after Exchange's token cache evicted it. */
  expireAll(): number {
    const count = this.#links.size + this.#pages.size;
    this.#links.clear();
    this.#pages.clear();
    return count;
  }

  /** The scope a next or delta link's token was made for; undefined for an unknown token. */
  scopeOf(query: URLSearchParams): string | undefined {
    const skipToken = query.get('$skiptoken');
    if (skipToken !== null) return this.#pages.get(skipToken)?.scope;
    const deltaToken = query.get('$deltatoken');
    return deltaToken === null ? undefined : this.#links.get(deltaToken)?.scope;
  }

  /**
   * One page of a delta round. `scope` names what is tracked (mailbox, resource, window): a token of
   * another scope is refused like an unknown one. `link(query)` builds the next or delta link.
   */
  page(input: {
    scope: string;
    query: URLSearchParams;
    current: () => DeltaItem[];
    removed: (key: string, seen: Seen) => Record<string, unknown>;
    maxPageSize: number | undefined;
    link: (query: string) => string;
  }): { body: Record<string, unknown>; pageSize: number } {
    const { scope, query } = input;
    const skipToken = query.get('$skiptoken');
    const deltaToken = query.get('$deltatoken');
    let session: Session;
    if (skipToken !== null) {
      const found = this.#pages.get(skipToken);
      if (!found || found.scope !== scope) throw syncStateNotFound();
      session = found;
    } else {
      let before = new Map<string, Seen>();
      if (deltaToken !== null) {
        const found = this.#links.get(deltaToken);
        if (!found || found.scope !== scope) throw syncStateNotFound();
        before = found.seen;
      }
      const seen = new Map<string, Seen>();
      const pending: Array<() => Record<string, unknown>> = [];
      for (const item of input.current()) {
        seen.set(item.key, { changeKey: item.changeKey, folderId: item.folderId });
        const earlier = before.get(item.key);
        if (!earlier || earlier.changeKey !== item.changeKey || earlier.folderId !== item.folderId) {
          pending.push(item.render);
        }
      }
      for (const [key, earlier] of before) {
        if (!seen.has(key)) pending.push(() => input.removed(key, earlier));
      }
      session = { scope, pageSize: Math.min(input.maxPageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE), pending, seen };
    }
    const pageSize = input.maxPageSize !== undefined ? Math.min(input.maxPageSize, MAX_PAGE_SIZE) : session.pageSize;
    const value = session.pending.slice(0, pageSize).map((render) => render());
    const rest = session.pending.slice(pageSize);
    const body: Record<string, unknown> = {};
    if (rest.length > 0) {
      const token = randomBytes(18).toString('base64url');
      this.#pages.set(token, { ...session, pageSize, pending: rest });
      body['@odata.nextLink'] = input.link(`$skiptoken=${token}`);
    } else {
      const token = randomBytes(18).toString('base64url');
      this.#links.set(token, { scope, seen: session.seen });
      body['@odata.deltaLink'] = input.link(`$deltatoken=${token}`);
    }
    body.value = value;
    return { body, pageSize };
  }
}
