// The one way to Microsoft Graph: app-only tokens by client credentials (msal-node, cached per
// tenant), the Graph SDK with its retry handler (429/503 honour Retry-After), immutable ids.
import { ConfidentialClientApplication } from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';
import type { Config } from '../config.ts';

export interface Organization {
  id: string;
  displayName: string;
}

export class GraphGateway {
  readonly #entra: Config['entra'];
  readonly #apps = new Map<string, ConfidentialClientApplication>();

  constructor(entra: Config['entra']) {
    this.#entra = entra;
  }

  get configured(): boolean {
    return this.#entra.clientSecret !== undefined;
  }

  #app(tenantId: string): ConfidentialClientApplication {
    let app = this.#apps.get(tenantId);
    if (!app) {
      if (!this.#entra.clientSecret)
        throw new Error('ENTRA_CLIENT_SECRET is not set: the CRM cannot call Graph as itself.');
      app = new ConfidentialClientApplication({
        auth: {
          clientId: this.#entra.clientId,
          clientSecret: this.#entra.clientSecret,
          authority: `${this.#entra.authorityHost}/${tenantId}`,
          knownAuthorities: [new URL(this.#entra.authorityHost).host],
        },
      });
      this.#apps.set(tenantId, app);
    }
    return app;
  }

  /** An app-only Graph token for the tenant; fails (AADSTS65001) when the tenant has not consented. */
  async appToken(tenantId: string, options: { fresh?: boolean } = {}): Promise<string> {
    const result = await this.#app(tenantId).acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
      // After a 401 the cached token is not trusted: ask the identity platform again.
      ...(options.fresh ? { skipCache: true } : {}),
    });
    if (!result?.accessToken) throw new Error('The identity platform returned no access token.');
    return result.accessToken;
  }

  client(tenantId: string): Client {
    return Client.init({
      baseUrl: `${this.#entra.graphBaseUrl}/`,
      defaultVersion: 'v1.0',
      customHosts: new Set([new URL(this.#entra.graphBaseUrl).hostname]),
      authProvider: (done) => {
        this.appToken(tenantId).then(
          (token) => done(null, token),
          (error: unknown) => done(error, null),
        );
      },
    });
  }

  async organization(tenantId: string): Promise<Organization | undefined> {
    const response = (await this.client(tenantId)
      .api('/organization')
      .header('Prefer', 'IdType="ImmutableId"')
      .select(['id', 'displayName'])
      .get()) as { value?: Organization[] };
    return response.value?.[0];
  }
}
