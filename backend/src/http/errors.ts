// The one error type of the API and its RFC 9457 problem representation.
import { z } from 'zod';

export interface FieldError {
  /** Where the bad value came from. */
  in: 'body' | 'query' | 'path' | 'header';
  /** A JSON pointer (RFC 6901) as URI fragment, e.g. `#/addresses/0/postalCode`. */
  pointer: string;
  detail: string;
}

export interface AppErrorInit {
  status: number;
  /** Stable machine-readable code; the problem `type` is derived from it. */
  code: string;
  title: string;
  /** What happened and what the caller can do about it. */
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Further problem members (RFC 9457 extensions). */
  extensions?: Record<string, unknown>;
  /** The underlying error, logged for 5xx problems, never sent. */
  cause?: unknown;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(init: AppErrorInit) {
    super(init.detail, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'AppError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.headers = init.headers ?? {};
    this.extensions = init.extensions ?? {};
  }
}

export const problemType = (code: string) => `urn:crm:problem:${code}`;

export const ProblemSchema = z
  .object({
    type: z.string().meta({ description: 'Identifies the kind of problem, e.g. urn:crm:problem:validation_failed' }),
    title: z.string().meta({ description: 'Short summary of the kind of problem' }),
    status: z.number().int(),
    detail: z.string().meta({ description: 'What went wrong this time and how to fix it' }),
    instance: z.string().meta({ description: 'The request path this problem occurred on' }),
    requestId: z.string().meta({ description: 'Quote this when reporting the problem' }),
    errors: z
      .array(
        z.object({
          in: z.enum(['body', 'query', 'path', 'header']),
          pointer: z.string().meta({ description: 'JSON pointer to the invalid value, e.g. #/email' }),
          detail: z.string(),
        }),
      )
      .optional(),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export type Problem = z.infer<typeof ProblemSchema>;

export const notFound = (detail: string) =>
  new AppError({ status: 404, code: 'not_found', title: 'Not found', detail });

export const validationFailed = (errors: FieldError[]) =>
  new AppError({
    status: 400,
    code: 'validation_failed',
    title: 'The request is not valid',
    detail:
      errors.length === 1
        ? `${errors[0]?.pointer.slice(2) || errors[0]?.in}: ${errors[0]?.detail}`
        : `${errors.length} values are not valid; see errors for each one.`,
    errors,
  });

/** Turns a path of a zod issue into a JSON pointer fragment. */
export function toPointer(segments: readonly PropertyKey[]): string {
  return `#/${segments.map((segment) => String(segment).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`.replace(
    /\/$/,
    '',
  );
}

/** A byte count as people say it: 1 MB, 25 MB, 512 kB, 900 bytes (binary units, as limits are set). */
export function formatBytes(bytes: number): string {
  const MB = 1024 * 1024;
  if (bytes >= MB) return `${Number.isInteger(bytes / MB) ? bytes / MB : (bytes / MB).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Number.isInteger(bytes / 1024) ? bytes / 1024 : (bytes / 1024).toFixed(1)} kB`;
  return `${bytes} bytes`;
}
