// Optimistic locking over HTTP: the version as a strong ETag, If-Match checked against it.
import type { ParameterizedContext } from 'koa';
import { AppError } from './errors.ts';

export function setVersionTag(ctx: ParameterizedContext, version: number): void {
  ctx.set('ETag', `"${version}"`);
}

/** The version an If-Match header names; undefined when absent or `*`. */
export function ifMatchVersion(ctx: ParameterizedContext): number | undefined {
  const header = ctx.get('if-match').trim();
  if (header === '' || header === '*') return undefined;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header);
  if (!match) {
    throw new AppError({
      status: 400,
      code: 'invalid_if_match',
      title: 'If-Match is not valid',
      detail: 'If-Match must be the ETag of the record as received, for example "3".',
      errors: [{ in: 'header', pointer: '#/If-Match', detail: 'not an ETag of this API' }],
    });
  }
  return Number(match[1]);
}

/** 412 when the caller's If-Match names another version than the record has. */
export function checkVersion(entity: { version: number }, expected: number | undefined, what: string): void {
  if (expected !== undefined && entity.version !== expected) {
    throw new AppError({
      status: 412,
      code: 'stale_version',
      title: 'The record was changed meanwhile',
      detail: `${what} was changed by someone else (now version ${entity.version}, you sent ${expected}). Reload it and apply your change again.`,
    });
  }
}
