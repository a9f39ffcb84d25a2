// Optimistic locking over HTTP: the version as a strong ETag, If-Match checked against it.
import type { ParameterizedContext } from 'koa';
import type { Text } from './language.ts';
import { problem } from './problems.ts';

export function setVersionTag(ctx: ParameterizedContext, version: number): void {
  ctx.set('ETag', `"${version}"`);
}

/** The version an If-Match header names; undefined when absent or `*`. */
export function ifMatchVersion(ctx: ParameterizedContext): number | undefined {
  const header = ctx.get('if-match').trim();
  if (header === '' || header === '*') return undefined;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header);
  if (!match) {
    throw problem('invalid_if_match', {}, { at: { in: 'header', pointer: '#/If-Match' } });
  }
  return Number(match[1]);
}

/** 412 when the caller's If-Match names another version than the record has. */
export function checkVersion(entity: { version: number }, expected: number | undefined, what: string | Text): void {
  if (expected !== undefined && entity.version !== expected) {
    throw problem('stale_version', { what, current: entity.version, sent: expected });
  }
}
