// Who is calling, resolved once per request by the identity module, and the helpers every
// module uses to require a role or get the entity manager of the request's tenant transaction.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ParameterizedContext } from 'koa';
import { type Expression, type SqlBool, sql } from 'kysely';
import { problem } from './problems.ts';

export type Role = 'admin' | 'sales_manager' | 'sales_rep' | 'inside_sales';

/** What a caller may see of a kind of record: everything in the tenant, or what these users own. */
export type Visibility = { scope: 'all' } | { scope: 'owners'; ownerIds: readonly string[] };

/**
 * The condition that an owner column is one the visibility admits (`true` for scope all). The owners
 * travel as one array parameter, so the statement's text is the same for one owner or a thousand.
 */
export function ownedWithin(visibility: Visibility, owner: Expression<string | null>): Expression<SqlBool> {
  return visibility.scope === 'all' ? sql<SqlBool>`true` : sql<SqlBool>`${owner} = any(${visibility.ownerIds}::uuid[])`;
}

export interface Principal {
  readonly kind: 'user' | 'app';
  readonly tenantId: string;
  readonly tenantName: string;
  /** Our user id (kind user); undefined for applications. */
  readonly userId: string | undefined;
  /** Name, email and job title of the user as of this request ('' and null for applications). */
  readonly displayName: string;
  readonly email: string;
  readonly jobTitle: string | null;
  /** Entra object id of the user or the calling app's service principal. */
  readonly objectId: string;
  readonly roles: ReadonlySet<Role>;
  readonly language: 'de' | 'en';
  /** The visibility scope for a kind of record; computed once per request and kind. */
  visibility(recordKind: string): Promise<Visibility>;
}

declare module 'koa' {
  interface DefaultState {
    principal?: Principal;
    /** The request's entity manager, inside its tenant transaction. */
    em?: EntityManager;
  }
}

type Ctx = ParameterizedContext;

export function principalOf(ctx: Ctx): Principal {
  if (!ctx.state.principal) throw new Error('No principal: the route is public or authentication did not run.');
  return ctx.state.principal;
}

export function emOf(ctx: Ctx): EntityManager {
  if (!ctx.state.em) throw new Error('No tenant transaction: the route is public or authentication did not run.');
  return ctx.state.em;
}

/** The caller must be a signed-in user holding one of the roles. */
export function requireRole(ctx: Ctx, ...roles: Role[]): Principal {
  const principal = principalOf(ctx);
  if (principal.kind !== 'user') throw problem('user_needed');
  if (!roles.some((role) => principal.roles.has(role))) {
    throw problem('role_needed', { roles: { en: roles.join(' or '), de: roles.join(' oder ') } });
  }
  return principal;
}

export function requireUser(ctx: Ctx): Principal & { userId: string } {
  const principal = principalOf(ctx);
  if (principal.kind !== 'user' || !principal.userId) {
    throw problem('user_needed');
  }
  return principal as Principal & { userId: string };
}
