import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { CRM_APP_ID, emulatorClient, type RunningEmulator, TokenRequestError } from '../index.ts';
import {
  ANNA,
  CONTOSO,
  CRM_API_URI,
  CRM_SECRET,
  claimsOf,
  ERP_CONNECTOR,
  FABRIKAM,
  headerOf,
  NORTHWIND,
  PASSWORD,
  startTrustedEmulator,
} from './trusted-emulator.ts';

const CRM_SCOPE = `${CRM_API_URI}/access_as_user`;
const REDIRECT_URI = 'http://localhost:3000/tab/auth.html';
const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';

describe('identity platform', () => {
  let emulator: RunningEmulator;
  let jwks: ReturnType<typeof createRemoteJWKSet>;

  const token = async (tenant: string, fields: Record<string, string>, headers: Record<string, string> = {}) => {
    const response = await fetch(`${emulator.authority(tenant)}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const ropc = (tenant: string, username: string, overrides: Record<string, string> = {}) =>
    token(tenant, {
      grant_type: 'password',
      client_id: CRM_APP_ID,
      username,
      password: PASSWORD,
      scope: CRM_SCOPE,
      ...overrides,
    });
  const verify = (jwt: string, audience = CRM_APP_ID, tenant = CONTOSO) =>
    jwtVerify(jwt, jwks, { issuer: emulator.issuer(tenant), audience, algorithms: ['RS256'] });

  beforeAll(async () => {
    emulator = await startTrustedEmulator();
    jwks = createRemoteJWKSet(new URL(emulator.jwksUri));
  });
  afterAll(async () => {
    await emulator.stop();
  });

  describe('metadata', () => {
    it('describes a tenant by id and by domain with the v2 issuer and endpoints', async () => {
      for (const ref of [CONTOSO, 'contoso.example']) {
        const response = await fetch(`${emulator.authority(ref)}/v2.0/.well-known/openid-configuration`);
        expect(response.status).toBe(200);
        const config = (await response.json()) as Record<string, unknown>;
        expect(config.issuer).toBe(emulator.issuer(CONTOSO));
        expect(config.token_endpoint).toBe(`${emulator.url}/${CONTOSO}/oauth2/v2.0/token`);
        expect(config.authorization_endpoint).toBe(`${emulator.url}/${CONTOSO}/oauth2/v2.0/authorize`);
        expect(config.jwks_uri).toBe(`${emulator.url}/${CONTOSO}/discovery/v2.0/keys`);
        expect(config.id_token_signing_alg_values_supported).toEqual(['RS256']);
        expect(config.tenant_region_scope).toBe('EU');
      }
    });

    it('names the issuer with a {tenantid} placeholder for common and organizations', async () => {
      for (const alias of ['common', 'organizations']) {
        const config = (await (
          await fetch(`${emulator.authority(alias)}/v2.0/.well-known/openid-configuration`)
        ).json()) as {
          issuer: string;
          token_endpoint: string;
        };
        expect(config.issuer).toBe(`${emulator.url}/{tenantid}/v2.0`);
        expect(config.token_endpoint).toBe(`${emulator.url}/${alias}/oauth2/v2.0/token`);
      }
    });

    it('answers an unknown tenant with AADSTS90002', async () => {
      const response = await fetch(`${emulator.authority('nowhere.example')}/v2.0/.well-known/openid-configuration`);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string; error_codes: number[]; error_description: string };
      expect(body.error).toBe('invalid_request');
      expect(body.error_codes).toEqual([90002]);
      expect(body.error_description).toMatch(/^AADSTS90002: Tenant 'nowhere.example' not found/);
    });

    it('publishes two RSA signing keys', async () => {
      const body = (await (await fetch(emulator.jwksUri)).json()) as { keys: Array<Record<string, string>> };
      expect(body.keys).toHaveLength(2);
      for (const key of body.keys) {
        expect(key).toMatchObject({ kty: 'RSA', use: 'sig', e: 'AQAB' });
        expect(key.kid).toBe(key.x5t);
      }
      expect(new Set(body.keys.map((key) => key.kid)).size).toBe(2);
    });
  });

  describe('tokens for the CRM API', () => {
    it('issues a delegated v2.0 token with the user, the roles and the directory roles', async () => {
      const { status, body } = await ropc(CONTOSO, ANNA, { scope: `${CRM_SCOPE} openid profile offline_access` });
      expect(status).toBe(200);
      expect(body).toMatchObject({ token_type: 'Bearer', scope: `${CRM_SCOPE} openid profile`, expires_in: 3600 });
      const { payload, protectedHeader } = await verify(String(body.access_token));
      expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
      expect(payload).toMatchObject({
        aud: CRM_APP_ID,
        iss: emulator.issuer(CONTOSO),
        azp: CRM_APP_ID,
        azpacr: '0',
        name: 'Anna Schmidt',
        oid: '95c7eef8-db6c-43e0-adf2-c195a3c88a2c',
        preferred_username: ANNA,
        scp: 'access_as_user',
        tid: CONTOSO,
        ver: '2.0',
        roles: ['CRM.Admin'],
        wids: [GLOBAL_ADMIN],
        xms_pl: 'de-DE',
      });
      expect(payload.sub).toMatch(/^[\w-]{43}$/);
      expect(payload.sub).not.toBe(payload.oid);
      expect(typeof payload.uti).toBe('string');
      expect(typeof body.refresh_token).toBe('string');
      const clientInfo = JSON.parse(Buffer.from(String(body.client_info), 'base64url').toString());
      expect(clientInfo).toEqual({ uid: payload.oid, utid: CONTOSO });
      const idToken = await verify(String(body.id_token), CRM_APP_ID);
      expect(idToken.payload).toMatchObject({
        oid: payload.oid,
        sub: payload.sub,
        preferred_username: ANNA,
        ver: '2.0',
      });
    });

    it('leaves out roles and wids a user does not have', async () => {
      const { body } = await ropc(CONTOSO, 'juergen.weiss@contoso.example');
      const claims = claimsOf(String(body.access_token));
      expect(claims.roles).toEqual(['CRM.SalesManager']);
      expect(claims).not.toHaveProperty('wids');
      expect(claims).not.toHaveProperty('refresh_token');
    });

    it('gives the same user a different subject in another app', async () => {
      const crm = claimsOf(String((await ropc(CONTOSO, ANNA)).body.access_token));
      const wiki = claimsOf(
        String(
          (
            await ropc(CONTOSO, ANNA, {
              client_id: '556bdf06-5768-45b9-8f8d-67f960e0fb67',
              scope: 'api://wiki.localhost/556bdf06-5768-45b9-8f8d-67f960e0fb67/access_as_user',
            })
          ).body.access_token,
        ),
      );
      expect(wiki.oid).toBe(crm.oid);
      expect(wiki.sub).not.toBe(crm.sub);
      expect(wiki).not.toHaveProperty('roles');
    });

    it('issues app-only tokens with the consented application roles and a stable service principal', async () => {
      const fields = {
        grant_type: 'client_credentials',
        client_id: ERP_CONNECTOR.appId,
        client_secret: ERP_CONNECTOR.secret,
        scope: `${CRM_API_URI}/.default`,
      };
      const first = await token(CONTOSO, fields);
      expect(first.status).toBe(200);
      expect(first.body).not.toHaveProperty('refresh_token');
      const { payload } = await verify(String(first.body.access_token));
      expect(payload).toMatchObject({
        idtyp: 'app',
        azp: ERP_CONNECTOR.appId,
        roles: ['CRM.ReadWrite.All'],
        tid: CONTOSO,
      });
      expect(payload).not.toHaveProperty('scp');
      expect(payload.sub).toBe(payload.oid);
      // Basic authentication works as well as the secret in the body, and names the same principal.
      const basic = Buffer.from(`${ERP_CONNECTOR.appId}:${ERP_CONNECTOR.secret}`).toString('base64');
      const second = await token(
        CONTOSO,
        { grant_type: 'client_credentials', scope: `${CRM_APP_ID}/.default` },
        { authorization: `Basic ${basic}` },
      );
      expect(second.status).toBe(200);
      expect(claimsOf(String(second.body.access_token)).oid).toBe(payload.oid);
    });

    it('refuses client credentials without /.default (AADSTS1002012)', async () => {
      const { status, body } = await token(CONTOSO, {
        grant_type: 'client_credentials',
        client_id: ERP_CONNECTOR.appId,
        client_secret: ERP_CONNECTOR.secret,
        scope: CRM_SCOPE,
      });
      expect(status).toBe(400);
      expect(body).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
    });

    it('redeems a refresh token once and hands out a new one', async () => {
      const first = await ropc(CONTOSO, ANNA, { scope: `${CRM_SCOPE} offline_access` });
      const refresh = {
        grant_type: 'refresh_token',
        client_id: CRM_APP_ID,
        refresh_token: String(first.body.refresh_token),
      };
      const second = await token(CONTOSO, { ...refresh, scope: `${CRM_SCOPE} offline_access` });
      expect(second.status).toBe(200);
      expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
      expect(claimsOf(String(second.body.access_token)).oid).toBe('95c7eef8-db6c-43e0-adf2-c195a3c88a2c');
      const again = await token(CONTOSO, refresh);
      expect(again.status).toBe(400);
      expect(again.body).toMatchObject({ error: 'invalid_grant', error_codes: [9002313] });
    });
  });

  describe('refusals, as Entra words them', () => {
    it('refuses a tenant that has not consented to the app (AADSTS65001)', async () => {
      const { status, body } = await ropc(NORTHWIND, 'oemer.yilmaz@northwind.example');
      expect(status).toBe(400);
      expect(body).toMatchObject({ error: 'invalid_grant', suberror: 'consent_required', error_codes: [65001] });
      expect(String(body.error_description)).toMatch(/^AADSTS65001: The user or administrator has not consented/);
      expect(typeof body.trace_id).toBe('string');
      expect(typeof body.correlation_id).toBe('string');
      expect(typeof body.timestamp).toBe('string');
      const appOnly = await token(NORTHWIND, {
        grant_type: 'client_credentials',
        client_id: CRM_APP_ID,
        client_secret: CRM_SECRET,
        scope: 'https://graph.microsoft.com/.default',
      });
      expect(appOnly.body.error_codes).toEqual([65001]);
    });

    it('refuses a wrong client secret (AADSTS7000215, 401)', async () => {
      const { status, body } = await token(CONTOSO, {
        grant_type: 'client_credentials',
        client_id: ERP_CONNECTOR.appId,
        client_secret: 'not-the-secret',
        scope: `${CRM_API_URI}/.default`,
      });
      expect(status).toBe(401);
      expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    });

    it('refuses a wrong password (AADSTS50126) and an unknown user (AADSTS50034)', async () => {
      const wrong = await ropc(CONTOSO, ANNA, { password: 'guess' });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toMatchObject({ error: 'invalid_grant', error_codes: [50126] });
      const unknown = await ropc(CONTOSO, 'nobody@contoso.example');
      expect(unknown.body).toMatchObject({ error: 'invalid_grant', error_codes: [50034] });
      // A user of another tenant is unknown in this one.
      const elsewhere = await ropc(FABRIKAM, ANNA);
      expect(elsewhere.body.error_codes).toEqual([50034]);
    });

    it('refuses unknown clients, missing parameters and unknown grant types', async () => {
      expect((await ropc(CONTOSO, ANNA, { client_id: '00000000-0000-0000-0000-000000000001' })).body).toMatchObject({
        error: 'unauthorized_client',
        error_codes: [700016],
      });
      expect((await token(CONTOSO, { client_id: CRM_APP_ID })).body.error_codes).toEqual([900144]);
      expect((await token(CONTOSO, { grant_type: 'magic', client_id: CRM_APP_ID })).body.error).toBe(
        'unsupported_grant_type',
      );
      expect((await token('nowhere.example', { grant_type: 'password' })).body.error_codes).toEqual([90002]);
    });

    it('refuses a client secret missing where the app is confidential (AADSTS7000218)', async () => {
      const { status, body } = await token(CONTOSO, {
        grant_type: 'client_credentials',
        client_id: ERP_CONNECTOR.appId,
        scope: `${CRM_API_URI}/.default`,
      });
      expect(status).toBe(401);
      expect(body.error_codes).toEqual([7000218]);
    });
  });

  describe('signing keys', () => {
    it('signs with the other published key after a rotation, and both verify', async () => {
      const before = String((await ropc(CONTOSO, ANNA)).body.access_token);
      emulator.rotateSigningKey();
      try {
        const after = String((await ropc(CONTOSO, ANNA)).body.access_token);
        expect(headerOf(after).kid).not.toBe(headerOf(before).kid);
        await expect(verify(after)).resolves.toBeDefined();
        await expect(verify(before)).resolves.toBeDefined();
      } finally {
        emulator.rotateSigningKey();
      }
    });

    it('signs arbitrary claims with the active, the inactive or an unpublished key', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { aud: CRM_APP_ID, iss: emulator.issuer(CONTOSO), iat: now, exp: now + 60, tid: CONTOSO };
      expect((await verify(await emulator.signToken(claims))).payload).toEqual(claims);
      await expect(verify(await emulator.signToken(claims, { key: 'inactive' }))).resolves.toBeDefined();
      await expect(verify(await emulator.signToken(claims, { key: 'unpublished' }))).rejects.toThrow(
        /no applicable key/i,
      );
      const custom = await emulator.signToken(claims, { header: { kid: 'made-up' } });
      expect(headerOf(custom)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'made-up' });
      const unsigned = await emulator.signToken(claims, { header: { alg: 'none' } });
      expect(unsigned.endsWith('.')).toBe(true);
    });
  });

  describe('admin consent', () => {
    it('records the consent of an administrator, after which users get tokens', async () => {
      const tenant = emulator.createTenant({
        displayName: 'Consent Test GmbH',
        consentedApps: [],
        users: [
          { displayName: 'Greta Groß', directoryRoles: ['Global Administrator'], appRoles: ['CRM.Admin'] },
          { displayName: 'Max Maier' },
        ],
      });
      const [admin, user] = tenant.users;
      expect(admin?.userPrincipalName).toBe(`greta.gross@${tenant.domain}`);
      expect((await ropc(tenant.id, String(user?.userPrincipalName))).body.error_codes).toEqual([65001]);

      const redirectUri = 'http://localhost:3000/api/v1/setup/consent-callback';
      const query = new URLSearchParams({
        client_id: CRM_APP_ID,
        redirect_uri: redirectUri,
        state: 'xyz',
        scope: 'https://graph.microsoft.com/.default',
      });
      const consentUrl = `${emulator.authority(tenant.id)}/v2.0/adminconsent?${query}`;
      const page = await fetch(consentUrl);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Greta Groß');
      expect(html).not.toContain('Max Maier'); // only administrators can accept
      expect(html).toContain(`<button type="submit" name="user_id" value="${admin?.id}"`);

      const accepted = await fetch(consentUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ decision: 'accept', user_id: String(admin?.id) }),
        redirect: 'manual',
      });
      expect(accepted.status).toBe(302);
      const location = new URL(String(accepted.headers.get('location')));
      expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
      expect(Object.fromEntries(location.searchParams)).toEqual({
        admin_consent: 'True',
        tenant: tenant.id,
        state: 'xyz',
        scope: 'https://graph.microsoft.com/.default',
      });
      expect(tenant.consentedApps).toContain(CRM_APP_ID);
      expect((await ropc(tenant.id, String(user?.userPrincipalName))).status).toBe(200);
    });

    it('redirects with access_denied when the administrator declines', async () => {
      const query = new URLSearchParams({
        client_id: CRM_APP_ID,
        redirect_uri: 'http://localhost:3000/api/v1/setup/consent-callback',
        state: 's1',
      });
      const declined = await fetch(`${emulator.authority(NORTHWIND)}/v2.0/adminconsent?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ decision: 'decline' }),
        redirect: 'manual',
      });
      const location = new URL(String(declined.headers.get('location')));
      expect(location.searchParams.get('error')).toBe('access_denied');
      expect(location.searchParams.get('state')).toBe('s1');
      expect(location.searchParams.get('error_description')).toMatch(/^AADSTS65004/);
    });

    it('shows an error page for a redirect URI the app has not registered', async () => {
      const query = new URLSearchParams({ client_id: CRM_APP_ID, redirect_uri: 'https://evil.example/callback' });
      const response = await fetch(`${emulator.authority(NORTHWIND)}/v2.0/adminconsent?${query}`, {
        redirect: 'manual',
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('AADSTS50011');
    });
  });

  describe('authorization code with PKCE', () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorizeQuery = (overrides: Record<string, string> = {}) =>
      new URLSearchParams({
        client_id: CRM_APP_ID,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: `${CRM_SCOPE} openid profile offline_access`,
        state: 'state-1',
        nonce: 'nonce-1',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        ...overrides,
      });
    const redeem = (code: string, codeVerifier: string) =>
      token(CONTOSO, {
        grant_type: 'authorization_code',
        client_id: CRM_APP_ID,
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: codeVerifier,
        scope: CRM_SCOPE,
      });

    it('signs in a user picked on the sign-in page and redeems the code with the verifier', async () => {
      const authorizeUrl = `${emulator.authority(CONTOSO)}/oauth2/v2.0/authorize?${authorizeQuery()}`;
      const page = await fetch(authorizeUrl);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Pick an account');
      expect(html).toContain('aria-label="Sign in as Anna Schmidt (anna.schmidt@contoso.example)"');
      expect(html).not.toContain('Zoë Bäcker'); // another tenant

      const chosen = await fetch(`${emulator.authority(CONTOSO)}/oauth2/v2.0/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([...authorizeQuery(), ['user_id', '95c7eef8-db6c-43e0-adf2-c195a3c88a2c']]),
        redirect: 'manual',
      });
      expect(chosen.status).toBe(302);
      const location = new URL(String(chosen.headers.get('location')));
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
      expect(location.searchParams.get('state')).toBe('state-1');
      const code = String(location.searchParams.get('code'));

      const wrong = await redeem(code, randomBytes(32).toString('base64url'));
      expect(wrong.status).toBe(400);
      expect(wrong.body).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });

      const { status, body } = await redeem(code, verifier);
      expect(status).toBe(200);
      expect((await verify(String(body.access_token))).payload).toMatchObject({
        preferred_username: ANNA,
        scp: 'access_as_user',
      });
      expect((await verify(String(body.id_token))).payload).toMatchObject({ nonce: 'nonce-1', aud: CRM_APP_ID });
      expect(typeof body.refresh_token).toBe('string');

      expect((await redeem(code, verifier)).body.error_codes).toEqual([54005]);
    });

    it('skips the page for a login_hint, and answers in the fragment when asked', async () => {
      const response = await fetch(
        `${emulator.authority('organizations')}/oauth2/v2.0/authorize?${authorizeQuery({
          login_hint: 'urs.huegli@fabrikam.example',
          response_mode: 'fragment',
          code_challenge_method: 'plain',
          code_challenge: verifier,
        })}`,
        { redirect: 'manual' },
      );
      expect(response.status).toBe(302);
      const fragment = new URLSearchParams(new URL(String(response.headers.get('location'))).hash.slice(1));
      expect(fragment.get('state')).toBe('state-1');
      const redeemed = await token(FABRIKAM, {
        grant_type: 'authorization_code',
        client_id: CRM_APP_ID,
        code: String(fragment.get('code')),
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      });
      expect(redeemed.status).toBe(200);
      expect(claimsOf(String(redeemed.body.access_token))).toMatchObject({ tid: FABRIKAM, roles: ['CRM.SalesRep'] });
    });

    it('lists the users of every tenant for common, and redirects consent_required for a tenant without consent', async () => {
      const html = await (
        await fetch(`${emulator.authority('common')}/oauth2/v2.0/authorize?${authorizeQuery()}`)
      ).text();
      for (const tenant of ['Contoso GmbH', 'Fabrikam AG', 'Northwind Handels KG']) expect(html).toContain(tenant);
      const response = await fetch(
        `${emulator.authority('common')}/oauth2/v2.0/authorize?${authorizeQuery({ login_hint: 'oemer.yilmaz@northwind.example' })}`,
        { redirect: 'manual' },
      );
      const location = new URL(String(response.headers.get('location')));
      expect(location.searchParams.get('error')).toBe('consent_required');
      expect(location.searchParams.get('error_description')).toMatch(/^AADSTS65001/);
    });

    it('accepts a registered loopback redirect URI on any port, but not another host or path', async () => {
      const onPort = 'http://127.0.0.1:41873/addin/auth.html';
      const response = await fetch(
        `${emulator.authority(CONTOSO)}/oauth2/v2.0/authorize?${authorizeQuery({ redirect_uri: onPort, login_hint: ANNA })}`,
        { redirect: 'manual' },
      );
      expect(response.status).toBe(302);
      const location = new URL(String(response.headers.get('location')));
      expect(`${location.origin}${location.pathname}`).toBe(onPort);
      const redeemed = await token(CONTOSO, {
        grant_type: 'authorization_code',
        client_id: CRM_APP_ID,
        code: String(location.searchParams.get('code')),
        redirect_uri: onPort,
        code_verifier: verifier,
      });
      expect(redeemed.status).toBe(200);
      for (const other of ['http://127.0.0.1:41873/addin/other.html', 'http://10.0.0.1:3000/addin/auth.html']) {
        const refused = await fetch(
          `${emulator.authority(CONTOSO)}/oauth2/v2.0/authorize?${authorizeQuery({ redirect_uri: other, login_hint: ANNA })}`,
          { redirect: 'manual' },
        );
        expect(refused.status).toBe(400);
        expect(await refused.text()).toContain('AADSTS50011');
      }
    });

    it('answers browsers from another origin, preflights included, as single-page apps need', async () => {
      const origin = 'http://127.0.0.1:41873';
      const preflight = await fetch(`${emulator.authority(CONTOSO)}/oauth2/v2.0/token`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
      const metadata = await fetch(`${emulator.authority('organizations')}/v2.0/.well-known/openid-configuration`, {
        headers: { origin },
      });
      expect(metadata.headers.get('access-control-allow-origin')).toBe(origin);
    });

    it('shows an error page instead of redirecting to an unregistered redirect URI', async () => {
      const response = await fetch(
        `${emulator.authority(CONTOSO)}/oauth2/v2.0/authorize?${authorizeQuery({ redirect_uri: 'https://evil.example/' })}`,
        { redirect: 'manual' },
      );
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('AADSTS50011');
    });
  });

  describe('control API for other processes', () => {
    it('creates tenants, signs, rotates and gets tokens over HTTP', async () => {
      const client = emulatorClient(emulator.url);
      const tenant = await client.createTenant({
        displayName: 'Über HTTP AG',
        users: [{ displayName: 'Jörg Öztürk' }],
      });
      expect(tenant.consentedApps).toEqual([CRM_APP_ID]);
      expect(tenant.users[0]?.userPrincipalName).toBe(`joerg.oeztuerk@${tenant.domain}`);
      expect((await client.listTenants()).map((t) => t.id)).toContain(tenant.id);

      const accessToken = await client.passwordToken({
        tenant: tenant.id,
        username: `joerg.oeztuerk@${tenant.domain}`,
        scope: CRM_SCOPE,
      });
      expect((await verify(accessToken, CRM_APP_ID, tenant.id)).payload.name).toBe('Jörg Öztürk');

      const kid = headerOf(accessToken).kid;
      await client.rotateSigningKey();
      try {
        expect(headerOf(await client.signToken({ claims: { a: 1 } })).kid).not.toBe(kid);
        expect(headerOf(await client.signToken({ claims: { a: 1 }, key: 'inactive' })).kid).toBe(kid);
      } finally {
        await client.rotateSigningKey();
      }

      const appToken = await client.clientCredentialsToken({
        tenant: CONTOSO,
        clientId: ERP_CONNECTOR.appId,
        clientSecret: ERP_CONNECTOR.secret,
        scope: `${CRM_API_URI}/.default`,
      });
      expect(claimsOf(appToken).roles).toEqual(['CRM.ReadWrite.All']);

      const refused = await client
        .passwordToken({ tenant: CONTOSO, username: ANNA, password: 'wrong', scope: CRM_SCOPE })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(TokenRequestError);
      expect((refused as TokenRequestError).errorCodes).toEqual([50126]);
    });
  });
});
