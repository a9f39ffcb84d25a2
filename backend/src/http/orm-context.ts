import { type MikroORM, RequestContext } from '@mikro-orm/core';
import type { Middleware } from 'koa';

/** A fresh identity map per request; opened after the body parser so parsing never holds it. */
export function ormContext(orm: MikroORM): Middleware {
  return (_ctx, next) => RequestContext.create(orm.em, next);
}
