import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { GraphGateway } from '../../graph/graph-gateway.ts';
import { problem } from '../../http/problems.ts';
import { defineRoute, type RouteSpec } from '../../http/route.ts';
import { ConsentUrlSchema, SetupResultSchema } from './identity.schemas.ts';
import { consentUrl, setUpConsentedTenant } from './setup.service.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function setupRoutes(config: Config, orm: MikroORM, graph: GraphGateway): RouteSpec[] {
  const callbackPath = '/api/v1/setup/consent-callback';
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/setup/consent-url',
      operationId: 'getConsentUrl',
      summary: 'Where an administrator grants the CRM admin consent for their organisation',
      tags: ['Setup'],
      public: true,
      query: z.object({
        tenant: z
          .string()
          .trim()
          .regex(/^[\w.-]{1,255}$/, 'a tenant id or a verified domain such as contoso.onmicrosoft.com')
          .default('organizations'),
      }),
      responses: {
        200: {
          description: 'The admin consent URL',
          content: { 'application/json': { schema: ConsentUrlSchema } },
        },
      },
      handler(ctx, { query }) {
        ctx.body = { url: consentUrl(config, query.tenant, `${config.publicUrl ?? ctx.origin}${callbackPath}`) };
      },
    }),
    defineRoute({
      method: 'get',
      path: callbackPath,
      operationId: 'consentCallback',
      summary: 'Where the identity platform returns after admin consent; sets the organisation up',
      tags: ['Setup'],
      public: true,
      query: z.object({
        admin_consent: z.string().optional(),
        tenant: z.string().optional(),
        state: z.string().optional(),
        scope: z.string().optional(),
        error: z.string().optional(),
        error_description: z.string().optional(),
      }),
      responses: {
        200: {
          description: 'The organisation is set up',
          content: {
            'application/json': {
              schema: SetupResultSchema,
            },
          },
        },
        403: { description: 'Consent was declined or is missing' },
      },
      async handler(ctx, { query }) {
        if (query.error || query.admin_consent?.toLowerCase() !== 'true') {
          throw problem('consent_declined', {
            reason: query.error_description ??
              query.error ?? { en: 'consent was not granted', de: 'die Zustimmung wurde nicht erteilt' },
          });
        }
        if (!query.tenant || !GUID.test(query.tenant)) {
          throw problem('consent_tenant_missing', {}, { at: { in: 'query', pointer: '#/tenant' } });
        }
        const result = await setUpConsentedTenant(orm.em as EntityManager, graph, query.tenant);
        ctx.body = { tenant: { id: result.id, name: result.name }, created: result.created };
      },
    }),
  ];
}
