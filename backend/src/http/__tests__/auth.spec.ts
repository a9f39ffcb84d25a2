import { createPublicKey } from 'node:crypto';
import { CRM_APP_ID } from '@crm/m365-emulator';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import {
  CRM_SCOPE,
  createTestApp,
  ERP_CONNECTOR_APP_ID,
  ERP_CONNECTOR_SECRET,
  type TestApp,
  type TestTenant,
} from '../../testing/test-app.ts';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;
  let anna: string;
  let now: number;

  /** Claims of a valid delegated token of Anna's, to vary one at a time. */
  const annaClaims = (overrides: Record<string, unknown> = {}) => {
    const user = contoso.seed.users[0];
    return {
      aud: CRM_APP_ID,
      iss: `${t.config.entra.authorityHost}/${contoso.id}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: user?.displayName,
      oid: user?.id,
      sub: 'pairwise-subject',
      preferred_username: user?.userPrincipalName,
      scp: 'access_as_user',
      tid: contoso.id,
      ver: '2.0',
      ...overrides,
    };
  };

  const me = (token: string | undefined) => {
    const req = t.http.get('/api/v1/me');
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };

  const expectRejected = async (token: string | undefined, error: string | undefined, detail: RegExp) => {
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(detail);
    const challenge = res.headers['www-authenticate'];
    expect(challenge).toMatch(/^Bearer realm="crm"/);
    if (error) expect(challenge).toContain(`error="${error}"`);
    else expect(challenge).not.toContain('error=');
    // Nothing about any tenant leaks into a rejection.
    for (const name of ['Contoso', 'Fabrikam', contoso.id, fabrikam.id]) expect(res.text).not.toContain(name);
    return res;
  };

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Auth GmbH', [{ displayName: 'Anna Schmidt', appRoles: ['CRM.Admin'] }]);
    fabrikam = await t.createTenant('Fabrikam Auth AG', [{ displayName: 'Zoë Bäcker', appRoles: ['CRM.Admin'] }]);
    anna = contoso.upn('Anna Schmidt');
    now = Math.floor(Date.now() / 1000);
  });
  afterAll(async () => {
    await t.close();
  });

  it('accepts a token the identity platform issued', async () => {
    const res = await me(await contoso.token(anna));
    expect(res.status).toBe(200);
    expect(res.body.user.displayName).toBe('Anna Schmidt');
  });

  it('accepts a token signed by us with the claims the platform uses (the baseline of the negatives)', async () => {
    expect((await me(await t.emulator.signToken({ claims: annaClaims() }))).status).toBe(200);
  });

  it('rejects a request without a token', async () => {
    await expectRejected(undefined, undefined, /Sign in first/);
  });

  it('rejects an Authorization header that is not a bearer token', async () => {
    const res = await t.http.get('/api/v1/me').set('Authorization', 'Basic YW5uYTpzZWNyZXQ=');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"');
  });

  it('rejects a malformed token', async () => {
    await expectRejected('not.a.jwt', 'invalid_token', /not a well-formed JWT/);
  });

  it('rejects an expired token', async () => {
    const token = await t.emulator.signToken({
      claims: annaClaims({ iat: now - 7200, nbf: now - 7200, exp: now - 3600 }),
    });
    await expectRejected(token, 'invalid_token', /expired/);
  });

  it('accepts a token expired less than five minutes ago (clock skew)', async () => {
    const token = await t.emulator.signToken({ claims: annaClaims({ exp: now - 120 }) });
    expect((await me(token)).status).toBe(200);
  });

  it('refuses a token that expired after it was accepted, though the same token was accepted before', async () => {
    // Within the five minutes' grace for ten more seconds: accepted now, and remembered as verified.
    const issued = Math.floor(Date.now() / 1000);
    const token = await t.emulator.signToken({ claims: annaClaims({ iat: issued - 3600, exp: issued - 290 }) });
    expect((await me(token)).status).toBe(200);
    expect((await me(token)).status).toBe(200);
    const graceEnds = (issued - 290 + 300) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, graceEnds - Date.now()) + 1_000));
    await expectRejected(token, 'invalid_token', /expired/);
  });

  it('rejects a token that is not valid yet', async () => {
    const token = await t.emulator.signToken({ claims: annaClaims({ nbf: now + 3600, exp: now + 7200 }) });
    await expectRejected(token, 'invalid_token', /not valid yet/);
  });

  it('rejects a token for another audience', async () => {
    const token = await t.emulator.signToken({ claims: annaClaims({ aud: '556bdf06-5768-45b9-8f8d-67f960e0fb67' }) });
    await expectRejected(token, 'invalid_token', /not issued for this API/);
  });

  it('rejects a token from another issuer', async () => {
    const token = await t.emulator.signToken({
      claims: annaClaims({ iss: `https://sts.windows.net/${contoso.id}/` }),
    });
    await expectRejected(token, 'invalid_token', /issuer/);
  });

  it("rejects a token whose issuer is one tenant's and tid another's", async () => {
    const token = await t.emulator.signToken({ claims: annaClaims({ tid: fabrikam.id }) });
    await expectRejected(token, 'invalid_token', /issuer/);
  });

  it('rejects a token signed with a key the authority does not publish (unknown kid)', async () => {
    const token = await t.emulator.signToken({ claims: annaClaims(), key: 'unpublished' });
    await expectRejected(token, 'invalid_token', /unknown key/);
  });

  it('rejects an unsigned token (alg none)', async () => {
    const [header] = (await contoso.token(anna)).split('.');
    const kid = JSON.parse(Buffer.from(header ?? '', 'base64url').toString()).kid;
    await expectRejected(
      `${b64url({ alg: 'none', typ: 'JWT', kid })}.${b64url(annaClaims())}.`,
      'invalid_token',
      /RS256/,
    );
  });

  it('rejects a token signed HS256 with the public key as secret (algorithm confusion)', async () => {
    const jwks = (await (await fetch(`${t.config.entra.authorityHost}/common/discovery/v2.0/keys`)).json()) as {
      keys: { kid: string; kty: string; n: string; e: string }[];
    };
    const jwk = jwks.keys[0];
    if (!jwk) throw new Error('no published key');
    const pem = createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    const token = await new SignJWT(annaClaims())
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: jwk.kid })
      .sign(new TextEncoder().encode(String(pem)));
    await expectRejected(token, 'invalid_token', /RS256/);
  });

  it('rejects a token whose payload was changed after signing', async () => {
    const [header, , signature] = (await contoso.token(anna)).split('.');
    const forged = `${header}.${b64url(annaClaims({ name: 'Mallory', scp: 'access_as_user' }))}.${signature}`;
    await expectRejected(forged, 'invalid_token', /signature is invalid/);
  });

  it('rejects a delegated token without our scope', async () => {
    const token = await t.emulator.signToken({ claims: annaClaims({ scp: 'User.Read' }) });
    const res = await expectRejected(token, 'insufficient_scope', /access_as_user/);
    expect(res.headers['www-authenticate']).toContain('scope="access_as_user"');
  });

  it('rejects an application token without our app role', async () => {
    const token = await t.emulator.signToken({
      claims: annaClaims({ scp: undefined, roles: ['Something.Else'], idtyp: 'app', azp: ERP_CONNECTOR_APP_ID }),
    });
    await expectRejected(token, 'insufficient_scope', /CRM\.ReadWrite\.All/);
  });

  it('accepts an application token with our app role from client credentials', async () => {
    const token = await t.emulator.clientCredentialsToken({
      tenant: contoso.id,
      clientId: ERP_CONNECTOR_APP_ID,
      clientSecret: ERP_CONNECTOR_SECRET,
      scope: `api://crm.localhost/${CRM_APP_ID}/.default`,
    });
    const res = await t.http.get('/api/v1/teams').set('Authorization', `Bearer ${token}`);
    // Applications reach tenant data, but /me needs a person.
    expect(res.status).toBe(200);
    expect((await me(token)).status).toBe(403);
  });

  it('refuses a valid token of an organisation that has not set up the CRM', async () => {
    const northwind = await t.createTenant(
      'Northwind Auth KG',
      [{ displayName: 'Ömer Yılmaz' }, { displayName: 'Ida Öztürk' }],
      { setUp: false },
    );
    const res = await me(await northwind.token(northwind.upn('Ida Öztürk')));
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('urn:crm:problem:tenant_not_set_up');
    expect(res.body.detail).toMatch(/administrator/);
  });

  it('validates tokens signed with the second published key, and after a key switch, without a restart', async () => {
    const other = await t.emulator.signToken({ claims: annaClaims(), key: 'inactive' });
    expect((await me(other)).status).toBe(200);
    await t.emulator.rotateSigningKey();
    try {
      const fresh = await t.emulator.passwordToken({ tenant: contoso.id, username: anna, scope: CRM_SCOPE });
      const kid = (token: string) => JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).kid;
      expect(kid(fresh)).not.toBe(kid(await contoso.token(anna)));
      expect((await me(fresh)).status).toBe(200);
    } finally {
      await t.emulator.rotateSigningKey();
    }
  });
});
