// Setting an organisation up after its administrator granted admin consent: the consent is
// proven by getting an app token for the tenant, its name comes from Graph.
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config.ts';
import type { GraphGateway } from '../../graph/graph-gateway.ts';
import { problem } from '../../http/problems.ts';
import { inTenantTransaction } from '../../http/tenancy.ts';
import { runTenantSetup } from '../../records/tenant-setup.ts';
import { Tenant } from './tenant.entity.ts';

const GRAPH_DEFAULT = 'https://graph.microsoft.com/.default';

export function consentUrl(config: Config, tenant: string, callbackUrl: string): string {
  const url = new URL(`${config.entra.authorityHost}/${encodeURIComponent(tenant)}/v2.0/adminconsent`);
  url.searchParams.set('client_id', config.entra.clientId);
  url.searchParams.set('scope', GRAPH_DEFAULT);
  url.searchParams.set('redirect_uri', callbackUrl);
  url.searchParams.set('state', randomBytes(12).toString('base64url'));
  return url.toString();
}

export async function setUpConsentedTenant(
  em: EntityManager,
  graph: GraphGateway,
  tenantId: string,
): Promise<{ id: string; name: string; created: boolean }> {
  let name: string;
  try {
    name = (await graph.organization(tenantId))?.displayName ?? tenantId;
  } catch (error) {
    throw problem('consent_missing', {}, { cause: error });
  }
  return inTenantTransaction(em, tenantId, async (tx) => {
    const known = await tx.findOne(Tenant, { id: tenantId });
    if (known) return { id: known.id, name: known.name, created: false };
    const tenant = tx.create(Tenant, { id: tenantId, name, defaultLanguage: 'de' });
    await tx.flush();
    await runTenantSetup(tx, tenantId);
    return { id: tenant.id, name: tenant.name, created: true };
  });
}
