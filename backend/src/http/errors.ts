// The one error type of the API and its RFC 9457 problem representation.
import { z } from 'zod';
import { fieldText } from './field-messages.ts';
import type { Language, Text } from './language.ts';
import { problem } from './problems.ts';

export interface FieldError {
  /** Where the bad value came from. */
  in: 'body' | 'query' | 'path' | 'header';
  /** A JSON pointer (RFC 6901) as URI fragment, e.g. `#/addresses/0/postalCode`. */
  pointer: string;
  detail: string;
}

/** A field error before it is rendered: its detail may be given in every language the API speaks. */
export interface FieldIssue extends Omit<FieldError, 'detail'> {
  detail: string | Text;
}

export interface AppErrorInit {
  status: number;
  /** Stable machine-readable code; the problem `type` is derived from it. */
  code: string;
  /** A plain string is the same in every language (a message passed through from elsewhere). */
  title: string | Text;
  /** What happened and what the caller can do about it. */
  detail: string | Text;
  errors?: FieldIssue[];
  headers?: Record<string, string>;
  /** Further problem members (RFC 9457 extensions). */
  extensions?: Record<string, unknown>;
  /** The underlying error, logged for 5xx problems, never sent. */
  cause?: unknown;
}

const inEveryLanguage = (text: string | Text): Text => (typeof text === 'string' ? { en: text, de: text } : text);

/** Problems are made with `problem()` from the catalogue in `problems.ts`, not with this constructor. */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly titles: Text;
  readonly details: Text;
  readonly errors: FieldIssue[] | undefined;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(init: AppErrorInit) {
    const details = inEveryLanguage(init.detail);
    super(details.en, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'AppError';
    this.status = init.status;
    this.code = init.code;
    this.titles = inEveryLanguage(init.title);
    this.details = details;
    this.errors = init.errors;
    this.headers = init.headers ?? {};
    this.extensions = init.extensions ?? {};
  }

  /** The English title, as logs and nested problems quote it. */
  get title(): string {
    return this.titles.en;
  }

  get detail(): string {
    return this.details.en;
  }

  /** Title, detail and field errors in one language. */
  render(language: Language): { title: string; detail: string; errors: FieldError[] | undefined } {
    return {
      title: this.titles[language],
      detail: this.details[language],
      errors: this.errors?.map((error) => ({ ...error, detail: fieldText(error.detail)[language] })),
    };
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

/** 400 for values that are not valid, each named with where it sits. */
export function validationFailed(errors: FieldIssue[]): AppError {
  const [first] = errors;
  if (errors.length === 1 && first) {
    return problem(
      'validation_failed',
      { field: first.pointer.slice(2) || first.in, message: fieldText(first.detail) },
      { errors },
    );
  }
  return problem('validation_failed_many', { count: errors.length }, { errors });
}

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
