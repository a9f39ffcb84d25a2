// The emulator as the real SDKs see it: msal-node for every grant the backend uses, the Graph client for Graph.
import { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, type GraphError, PageIterator } from '@microsoft/microsoft-graph-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { CRM_APP_ID, type RunningEmulator } from '../index.ts';
import {
  ANNA,
  CONTOSO,
  CRM_API_URI,
  CRM_SECRET,
  claimsOf,
  ERP_CONNECTOR,
  NORTHWIND,
  PASSWORD,
  startTrustedEmulator,
} from './trusted-emulator.ts';

const GRAPH_DEFAULT = 'https://graph.microsoft.com/.default';

describe('the emulator with msal-node and the Graph client', () => {
  let emulator: RunningEmulator;
  let host: string;

  const confidential = (tenant: string, clientId = CRM_APP_ID, clientSecret = CRM_SECRET) =>
    new ConfidentialClientApplication({
      auth: { clientId, clientSecret, authority: emulator.authority(tenant), knownAuthorities: [host] },
    });
  const graph = (accessToken: string) =>
    Client.init({
      baseUrl: `${emulator.url}/`,
      defaultVersion: 'v1.0',
      // The Graph client sends the token only to Graph's hosts and to the custom hosts named here.
      customHosts: new Set([new URL(emulator.url).hostname]),
      authProvider: (done) => done(null, accessToken),
    });
  const annaToken = async (): Promise<string> => {
    const pca = new PublicClientApplication({
      auth: { clientId: CRM_APP_ID, authority: emulator.authority(CONTOSO), knownAuthorities: [host] },
    });
    const result = await pca.acquireTokenByUsernamePassword({
      username: ANNA,
      password: PASSWORD,
      scopes: [`${CRM_API_URI}/access_as_user`],
    });
    return String(result?.accessToken);
  };
  const graphError = async (request: Promise<unknown>): Promise<GraphError> => {
    try {
      await request;
    } catch (error) {
      return error as GraphError;
    }
    throw new Error('the request succeeded');
  };

  beforeAll(async () => {
    emulator = await startTrustedEmulator();
    host = new URL(emulator.url).host;
  });
  afterAll(async () => {
    await emulator.stop();
  });

  describe('msal-node', () => {
    it('gets app-only tokens by client credentials, for Graph and for the CRM API', async () => {
      const crm = await confidential(CONTOSO).acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] });
      expect(claimsOf(String(crm?.accessToken))).toMatchObject({
        aud: 'https://graph.microsoft.com',
        idtyp: 'app',
        roles: expect.arrayContaining(['User.Read.All', 'Organization.Read.All']),
      });
      const erp = await confidential(CONTOSO, ERP_CONNECTOR.appId, ERP_CONNECTOR.secret).acquireTokenByClientCredential(
        {
          scopes: [`${CRM_API_URI}/.default`],
        },
      );
      const jwks = createRemoteJWKSet(new URL(emulator.jwksUri));
      const { payload } = await jwtVerify(String(erp?.accessToken), jwks, {
        issuer: emulator.issuer(CONTOSO),
        audience: CRM_APP_ID,
      });
      expect(payload.roles).toEqual(['CRM.ReadWrite.All']);
    });

    it('signs a user in with username and password through a public client', async () => {
      const pca = new PublicClientApplication({
        auth: { clientId: CRM_APP_ID, authority: emulator.authority('organizations'), knownAuthorities: [host] },
      });
      const result = await pca.acquireTokenByUsernamePassword({
        username: ANNA,
        password: PASSWORD,
        scopes: [`${CRM_API_URI}/access_as_user`],
      });
      expect(result?.account?.username).toBe(ANNA);
      expect(result?.account?.tenantId).toBe(CONTOSO);
      expect(result?.idTokenClaims).toMatchObject({ name: 'Anna Schmidt', tid: CONTOSO });
      expect(claimsOf(String(result?.accessToken))).toMatchObject({
        aud: CRM_APP_ID,
        scp: 'access_as_user',
        roles: ['CRM.Admin'],
      });
      // The refresh token msal cached gets a token for another resource without the password.
      if (!result?.account) throw new Error('msal returned no account');
      const silent = await pca.acquireTokenSilent({
        account: result.account,
        scopes: ['https://graph.microsoft.com/User.Read'],
      });
      expect(claimsOf(String(silent?.accessToken))).toMatchObject({
        aud: 'https://graph.microsoft.com',
        scp: 'User.Read',
      });
    });

    it('exchanges a user token on behalf of the user for a Graph token', async () => {
      const result = await confidential(CONTOSO).acquireTokenOnBehalfOf({
        oboAssertion: await annaToken(),
        scopes: [GRAPH_DEFAULT],
      });
      expect(claimsOf(String(result?.accessToken))).toMatchObject({
        aud: 'https://graph.microsoft.com',
        oid: '95c7eef8-db6c-43e0-adf2-c195a3c88a2c',
        azp: CRM_APP_ID,
        azpacr: '1',
        scp: 'User.Read Contacts.ReadWrite Calendars.ReadWrite Mail.Read Mail.Send',
      });
    });

    it('surfaces the AADSTS errors: bad secret, bad password, no consent', async () => {
      await expect(
        confidential(CONTOSO, CRM_APP_ID, 'wrong').acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] }),
      ).rejects.toMatchObject({
        errorCode: 'invalid_client',
        errorMessage: expect.stringMatching(/AADSTS7000215/),
      });
      const pca = new PublicClientApplication({
        auth: { clientId: CRM_APP_ID, authority: emulator.authority(CONTOSO), knownAuthorities: [host] },
      });
      await expect(
        pca.acquireTokenByUsernamePassword({
          username: ANNA,
          password: 'wrong',
          scopes: [`${CRM_API_URI}/access_as_user`],
        }),
      ).rejects.toMatchObject({ errorCode: 'invalid_grant', errorMessage: expect.stringMatching(/AADSTS50126/) });
      await expect(
        confidential(NORTHWIND).acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] }),
      ).rejects.toMatchObject({
        errorMessage: expect.stringMatching(/AADSTS65001/),
      });
    });

    it('refuses on-behalf-of with a token for another audience', async () => {
      const wrongAudience = await confidential(CONTOSO).acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] });
      await expect(
        confidential(CONTOSO).acquireTokenOnBehalfOf({
          oboAssertion: String(wrongAudience?.accessToken),
          scopes: [GRAPH_DEFAULT],
        }),
      ).rejects.toMatchObject({ errorCode: 'invalid_grant', errorMessage: expect.stringMatching(/AADSTS50013/) });
    });
  });

  describe('Microsoft Graph', () => {
    let delegated: string;
    let appOnly: string;

    beforeAll(async () => {
      delegated = String(
        (
          await confidential(CONTOSO).acquireTokenOnBehalfOf({
            oboAssertion: await annaToken(),
            scopes: [GRAPH_DEFAULT],
          })
        )?.accessToken,
      );
      appOnly = String(
        (await confidential(CONTOSO).acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] }))?.accessToken,
      );
    });

    it('answers /me for the signed-in user', async () => {
      const me = await graph(delegated).api('/me').get();
      expect(me).toMatchObject({
        '@odata.context': `${emulator.graphUrl}/$metadata#users/$entity`,
        id: '95c7eef8-db6c-43e0-adf2-c195a3c88a2c',
        displayName: 'Anna Schmidt',
        givenName: 'Anna',
        surname: 'Schmidt',
        userPrincipalName: ANNA,
        mail: ANNA,
        jobTitle: 'Geschäftsführerin',
        preferredLanguage: 'de-DE',
        businessPhones: [],
        mobilePhone: null,
        officeLocation: null,
      });
    });

    it('refuses /me to an app-only token as Graph does', async () => {
      const error = await graphError(graph(appOnly).api('/me').get());
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('BadRequest');
    });

    it('lists users with $select, $filter and paging through @odata.nextLink', async () => {
      const client = graph(appOnly);
      const first = await client.api('/users').select('displayName,mail').top(2).get();
      expect(first.value).toEqual([
        { displayName: 'Anna Schmidt', mail: ANNA },
        { displayName: 'Jürgen Weiß', mail: 'juergen.weiss@contoso.example' },
      ]);
      expect(first['@odata.nextLink']).toMatch(new RegExp(`^${emulator.graphUrl}/users\\?.*\\$skiptoken=`));
      const names: string[] = [];
      await new PageIterator(client, first, (user: { displayName: string }) => {
        names.push(user.displayName);
        return true;
      }).iterate();
      expect(names).toEqual(['Anna Schmidt', 'Jürgen Weiß', 'Björn Müller', 'Käthe Schäfer', 'Lena Groß']);

      const filtered = await client.api('/users').filter("startswith(displayName,'k')").get();
      expect(filtered.value.map((u: { displayName: string }) => u.displayName)).toEqual(['Käthe Schäfer']);
      const byMail = await graph(delegated).api('/users').filter("mail eq 'LENA.GROSS@contoso.example'").get();
      expect(byMail.value).toHaveLength(1);
      expect(byMail.value[0].preferredLanguage).toBe('en-GB');
    });

    it('reads one user by id or UPN, and answers 404 for someone not in the tenant', async () => {
      const client = graph(appOnly);
      expect((await client.api('/users/juergen.weiss@contoso.example').get()).id).toBe(
        '5abd002d-8268-4680-afff-038df2e4cc38',
      );
      expect((await client.api('/users/5abd002d-8268-4680-afff-038df2e4cc38').select('jobTitle').get()).jobTitle).toBe(
        'Vertriebsleiter',
      );
      const error = await graphError(client.api('/users/zoe.baecker@fabrikam.example').get());
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('Request_ResourceNotFound');
    });

    it('describes the organization with its verified domains', async () => {
      const organization = await graph(delegated).api('/organization').get();
      expect(organization.value).toEqual([
        expect.objectContaining({
          id: CONTOSO,
          displayName: 'Contoso GmbH',
          countryLetterCode: 'DE',
          verifiedDomains: expect.arrayContaining([
            expect.objectContaining({ name: 'contoso.example', isDefault: true }),
          ]),
        }),
      ]);
    });

    it('refuses users to an app without User.Read.All (403)', async () => {
      const erp = await confidential(CONTOSO, ERP_CONNECTOR.appId, ERP_CONNECTOR.secret).acquireTokenByClientCredential(
        { scopes: [GRAPH_DEFAULT] },
      );
      const error = await graphError(graph(String(erp?.accessToken)).api('/users').get());
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe('Authorization_RequestDenied');
    });

    it('answers 401 in Graph’s shape for missing, foreign and expired tokens, and 404 for unknown segments', async () => {
      const call = async (path: string, token?: string) => {
        const response = await fetch(`${emulator.graphUrl}${path}`, {
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'client-request-id': 'my-request' },
        });
        return {
          status: response.status,
          headers: response.headers,
          body: (await response.json()) as { error: Record<string, unknown> },
        };
      };
      const missing = await call('/me');
      expect(missing.status).toBe(401);
      expect(missing.body.error).toMatchObject({
        code: 'InvalidAuthenticationToken',
        message: 'Access token is empty.',
        innerError: { 'client-request-id': 'my-request', 'request-id': missing.headers.get('request-id') },
      });
      expect(missing.headers.get('client-request-id')).toBe('my-request');
      expect((await call('/me', await annaToken())).body.error.message).toMatch(/Invalid audience/);
      const now = Math.floor(Date.now() / 1000);
      const expired = await emulator.signToken({
        ...claimsOf(delegated),
        iat: now - 7200,
        nbf: now - 7200,
        exp: now - 3600,
      });
      expect((await call('/me', expired)).body.error.message).toMatch(/expired/);
      const unpublished = await emulator.signToken(claimsOf(delegated), { key: 'unpublished' });
      expect((await call('/me', unpublished)).status).toBe(401);
      const unknown = await call('/groups', delegated);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('ResourceNotFound');
    });

    it('works with Client.initWithMiddleware and an authentication provider object', async () => {
      const client = Client.initWithMiddleware({
        baseUrl: `${emulator.url}/`,
        defaultVersion: 'v1.0',
        customHosts: new Set([new URL(emulator.url).hostname]),
        authProvider: { getAccessToken: async () => delegated },
      });
      expect((await client.api('/me').select('displayName').get()).displayName).toBe('Anna Schmidt');
    });
  });
});
