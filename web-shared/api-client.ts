// Calls to the CRM API with the signed-in user's token, in the user's language (problems come back
// in it), shared by the Outlook pane and the web app. A 401 gets one silent token refresh and one
// retry (a token that expired while a page was open); problem+json answers become ApiError.
import type { DuplicateCheckResult, Problem } from '@crm/backend/contract';

/** No usable sign-in: the front end shows its sign-in button (keeping whatever was typed). */
export class SignInRequired extends Error {
  readonly reason: 'signed_out' | 'expired';
  constructor(reason: 'signed_out' | 'expired', cause?: unknown) {
    super(reason === 'expired' ? 'The sign-in has expired.' : 'Not signed in.', { cause });
    this.name = 'SignInRequired';
    this.reason = reason;
  }
}

/** Where the API's access tokens come from; throws SignInRequired when only an interactive sign-in would help. */
export interface TokenSource {
  token(options?: { forceRefresh?: boolean }): Promise<string>;
}

/**
 * A problem as it arrives: any member may be missing (a proxy's error page is no problem+json);
 * a likely duplicate (409) lists its candidates.
 */
export type ProblemBody = Partial<Problem> & Partial<DuplicateCheckResult>;

export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemBody;
  constructor(status: number, problem: ProblemBody) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
  get code(): string {
    return (this.problem.type ?? '').replace(/^urn:crm:problem:/, '');
  }
}

/** The backend could not be reached at all. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('The CRM could not be reached.', { cause });
    this.name = 'NetworkError';
  }
}

type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface Response<T> {
  status: number;
  body: T;
  etag: string | null;
}

export class Api {
  readonly #base: string;
  readonly #auth: TokenSource;
  readonly #language: () => string;

  /** `language`: the current UI language, sent as Accept-Language on every call. */
  constructor(base: string, auth: TokenSource, language: () => string) {
    this.#base = base.replace(/\/+$/, '');
    this.#auth = auth;
    this.#language = language;
  }

  get<T>(path: string, query?: Query) {
    return this.request<T>('GET', path, { query });
  }

  post<T>(path: string, body: unknown, query?: Query) {
    return this.request<T>('POST', path, { body, query });
  }

  patch<T>(path: string, body: unknown, ifMatch: string) {
    return this.request<T>('PATCH', path, { body, headers: { 'If-Match': ifMatch } });
  }

  put<T>(path: string, body: unknown, ifMatch?: string) {
    return this.request<T>('PUT', path, { body, headers: ifMatch ? { 'If-Match': ifMatch } : {} });
  }

  /**
   * Opens a server-sent event stream with the bearer token (EventSource cannot send it): the raw
   * response, whose body the caller reads; 401 gets one fresh token, as every call does.
   */
  async stream(path: string, signal: AbortSignal): Promise<globalThis.Response> {
    return this.#authorized(this.#url(path), { accept: 'text/event-stream', init: { cache: 'no-store', signal } });
  }

  /**
   * A file of the API (a CSV export, say) as the browser should save it: the body as a Blob and the
   * name from Content-Disposition; `accept` says which representation to ask for.
   */
  async download(path: string, accept: string, query?: Query): Promise<{ blob: Blob; filename: string | null }> {
    const response = await this.#authorized(this.#url(path, query), { accept, init: { cache: 'no-store' } });
    const disposition = response.headers.get('content-disposition') ?? '';
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
    const plain = /filename="([^"]+)"/i.exec(disposition)?.[1];
    return { blob: await response.blob(), filename: encoded ? decodeURIComponent(encoded) : (plain ?? null) };
  }

  /**
   * Sends a form (a file upload, multipart/form-data) with the bearer token and reads the JSON answer;
   * the browser sets the multipart boundary; a refusal becomes an ApiError as with every call.
   */
  async upload<T>(path: string, form: FormData): Promise<{ status: number; body: T }> {
    const response = await this.#authorized(this.#url(path), {
      accept: 'application/json',
      init: { method: 'POST', body: form },
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  /**
   * A GET with the bearer token whose body the caller reads as it likes: 401 gets one fresh token,
   * as every call does; a refusal becomes an ApiError with the problem the API sent.
   */
  async #authorized(url: URL, options: { accept: string; init: RequestInit }): Promise<globalThis.Response> {
    const open = async (token: string) => {
      try {
        return await fetch(url, {
          ...options.init,
          headers: { Authorization: `Bearer ${token}`, Accept: options.accept, 'Accept-Language': this.#language() },
        });
      } catch (error) {
        throw new NetworkError(error);
      }
    };
    let response = await open(await this.#auth.token());
    if (response.status === 401) {
      response = await open(await this.#auth.token({ forceRefresh: true }));
      if (response.status === 401) throw new SignInRequired('expired');
    }
    if (!response.ok) {
      const text = await response.text();
      let body: ProblemBody = {};
      try {
        body = JSON.parse(text) as ProblemBody;
      } catch {
        body = { detail: text.slice(0, 300) };
      }
      throw new ApiError(response.status, body);
    }
    return response;
  }

  #url(path: string, query?: Query): URL {
    const url = new URL(`${this.#base}${path}`, window.location.href);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) url.searchParams.append(name, item);
      else url.searchParams.set(name, String(value));
    }
    return url;
  }

  async request<T>(
    method: string,
    path: string,
    options: {
      query?: Query | undefined;
      body?: unknown;
      headers?: Record<string, string>;
      /** Called once the request is on its way (e.g. to show its effect without delaying it). */
      onSent?: () => void;
    } = {},
  ): Promise<Response<T>> {
    const url = this.#url(path, options.query);
    const send = async (token: string) => {
      try {
        return await fetch(url, {
          method,
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            'Accept-Language': this.#language(),
            ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
            ...options.headers,
          },
          ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        });
      } catch (error) {
        throw new NetworkError(error);
      }
    };
    const first = send(await this.#auth.token());
    options.onSent?.();
    let response = await first;
    if (response.status === 401) {
      // The token was refused (expired or revoked meanwhile): one fresh token, one more try.
      response = await send(await this.#auth.token({ forceRefresh: true }));
      if (response.status === 401) throw new SignInRequired('expired');
    }
    const text = await response.text();
    let body: unknown = null;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = { detail: text.slice(0, 300) };
      }
    }
    if (!response.ok) throw new ApiError(response.status, (body ?? {}) as ProblemBody);
    return { status: response.status, body: body as T, etag: response.headers.get('etag') };
  }
}
