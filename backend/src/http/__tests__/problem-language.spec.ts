import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../testing/test-app.ts';
import { LANGUAGES } from '../language.ts';
import { problemCatalogue, problemFieldTexts, renderTemplate } from '../problems.ts';

const UNKNOWN_ID = '0190f3c4-5b6a-7c8d-9e0f-123456789abc';

describe('problems in the caller’s language', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let admin: AuthedAgent;
  let rep: AuthedAgent;
  let tagId: string;

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Sprachen GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller', appRoles: ['CRM.SalesRep'] },
    ]);
    admin = await contoso.as(contoso.upn('Anna Schmidt'));
    rep = await contoso.as(contoso.upn('Björn Müller'));
    tagId = (await admin.post('/api/v1/tags').send({ name: 'Messe 2027' })).body.id;
    // Moves the tag to version 2, so If-Match "1" is stale from here on.
    await admin.patch(`/api/v1/tags/${tagId}`).set('If-Match', '"1"').send({ color: '#0078d4' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('tells a German user in German that a tag does not exist, and an English user in English', async () => {
    const german = await admin.get(`/api/v1/tags/${UNKNOWN_ID}`).set('Accept-Language', 'de-DE,de;q=0.9,en;q=0.5');
    expect(german.status).toBe(404);
    expect(german.headers['content-language']).toBe('de');
    expect(german.body).toMatchObject({
      type: 'urn:crm:problem:not_found',
      title: 'Nicht gefunden',
      detail: `In Ihrer Organisation gibt es kein Schlagwort ${UNKNOWN_ID}.`,
    });

    const english = await admin.get(`/api/v1/tags/${UNKNOWN_ID}`).set('Accept-Language', 'en-GB');
    expect(english.headers['content-language']).toBe('en');
    expect(english.body).toMatchObject({
      type: 'urn:crm:problem:not_found',
      title: 'Not found',
      detail: `There is no tag ${UNKNOWN_ID} in your organisation.`,
    });
  });

  it('answers in English when the caller asks for no language or one the API does not speak', async () => {
    for (const language of [undefined, 'fr-FR', 'fr;q=1, de;q=0']) {
      const request = admin.get(`/api/v1/tags/${UNKNOWN_ID}`);
      const res = await (language === undefined ? request : request.set('Accept-Language', language));
      expect({ language, contentLanguage: res.headers['content-language'], title: res.body.title }).toEqual({
        language,
        contentLanguage: 'en',
        title: 'Not found',
      });
    }
  });

  it('follows the q-values: German preferred over English gives German', async () => {
    const res = await admin.get(`/api/v1/tags/${UNKNOWN_ID}`).set('Accept-Language', 'en;q=0.4, de-AT;q=0.8');
    expect(res.headers['content-language']).toBe('de');
    expect(res.body.title).toBe('Nicht gefunden');
  });

  it('explains a stale If-Match in German, naming the tag and both versions', async () => {
    const res = await admin
      .patch(`/api/v1/tags/${tagId}`)
      .set('If-Match', '"1"')
      .set('Accept-Language', 'de')
      .send({ name: 'Messe 2028' });
    expect(res.status).toBe(412);
    expect(res.headers['content-language']).toBe('de');
    expect(res.body).toMatchObject({
      type: 'urn:crm:problem:stale_version',
      title: 'Der Datensatz wurde inzwischen geändert',
      detail:
        'Das Schlagwort „Messe 2027“ wurde inzwischen von jemand anderem geändert (jetzt Version 2, Sie haben Version 1 gesendet). Laden Sie neu und nehmen Sie Ihre Änderung noch einmal vor.',
    });

    const english = await admin.patch(`/api/v1/tags/${tagId}`).set('If-Match', '"1"').send({ name: 'Messe 2028' });
    expect(english.body.detail).toBe(
      'Tag Messe 2027 was changed by someone else (now version 2, you sent 1). Reload it and apply your change again.',
    );
  });

  it('tells a sales rep in German which role creating a tag needs', async () => {
    const res = await rep.post('/api/v1/tags').set('Accept-Language', 'de').send({ name: 'Meins' });
    expect(res.status).toBe(403);
    expect(res.headers['content-language']).toBe('de');
    expect(res.body).toMatchObject({
      type: 'urn:crm:problem:forbidden',
      title: 'Nicht erlaubt',
      detail: 'Dafür brauchen Sie die CRM-Rolle admin oder sales_manager; wenden Sie sich an Ihren CRM-Administrator.',
    });
  });

  it('words validation errors in German with the same field pointers as in English', async () => {
    const german = await admin.post('/api/v1/tags').set('Accept-Language', 'de').send({ name: 42 });
    const english = await admin.post('/api/v1/tags').set('Accept-Language', 'en').send({ name: 42 });
    expect(german.status).toBe(400);
    expect(german.headers['content-language']).toBe('de');
    expect(german.body.title).toBe('Die Anfrage ist nicht gültig');
    expect(german.body.errors.map((error: { pointer: string }) => error.pointer)).toEqual(
      english.body.errors.map((error: { pointer: string }) => error.pointer),
    );
    expect(german.body.errors[0]).toMatchObject({ in: 'body', pointer: '#/name' });
    expect(german.body.errors[0].detail).toMatch(/Ungültige Eingabe/);
    expect(english.body.errors[0].detail).toMatch(/Invalid input/);
  });

  it('says in German that a tag name is taken, beside the field', async () => {
    const res = await admin.post('/api/v1/tags').set('Accept-Language', 'de').send({ name: 'messe 2027' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('Es gibt schon ein Schlagwort');
    expect(res.body.errors).toEqual([{ in: 'body', pointer: '#/name', detail: 'bereits vergeben' }]);
  });

  it('keeps another tenant’s tag hidden, in German too', async () => {
    const fabrikam = await t.createTenant('Fabrikam Sprachen AG', [{ displayName: 'Frida Fremd' }]);
    const stranger = await fabrikam.as(fabrikam.upn('Frida Fremd'));
    const res = await stranger.get(`/api/v1/tags/${tagId}`).set('Accept-Language', 'de');
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe(`In Ihrer Organisation gibt es kein Schlagwort ${tagId}.`);
  });

  it("says a schema's own field messages in German to a German user, and in English otherwise", async () => {
    const body = { lastName: 'Keller', emails: [{ address: 'keller(at)example' }] };
    const german = await rep.post('/api/v1/persons').set('Accept-Language', 'de').send(body);
    expect(german.status).toBe(400);
    expect(german.body.errors).toEqual([
      {
        in: 'body',
        pointer: '#/emails/0/address',
        detail: 'keine gültige E-Mail-Adresse, z. B. anna.mueller@example.de',
      },
    ]);
    expect(german.body.detail).toContain('keine gültige E-Mail-Adresse');

    const tooLong = await rep
      .post('/api/v1/persons')
      .set('Accept-Language', 'de')
      .send({ lastName: 'x'.repeat(101) });
    expect(tooLong.body.errors[0]).toMatchObject({ pointer: '#/lastName', detail: 'höchstens 100 Zeichen' });

    const organizationId = (await rep.post('/api/v1/organizations').send({ name: 'Bäckerei Sprachen' })).body.id;
    const cents = await rep
      .post('/api/v1/deals')
      .set('Accept-Language', 'de')
      .send({ title: 'Ofen', value: '10.505', currency: 'EUR', organizationId });
    expect(cents.body.errors).toContainEqual({
      in: 'body',
      pointer: '#/value',
      detail: 'EUR hat 2 Nachkommastellen; geben Sie höchstens 2 an',
    });

    const english = await rep.post('/api/v1/persons').set('Accept-Language', 'en').send(body);
    expect(english.body.errors[0].detail).toBe('not a valid email address, e.g. anna.mueller@example.de');
  });
});

describe('problems of the converted modules in German', () => {
  let t: TestApp;
  let admin: AuthedAgent;

  beforeAll(async () => {
    t = await createTestApp();
    const tenant = await t.createTenant('Contoso Fehlertexte GmbH', [{ displayName: 'Greta Gruber' }]);
    admin = await tenant.as(tenant.upn('Greta Gruber'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('says in German that there is no such deal, with the English code and status', async () => {
    const res = await admin.get(`/api/v1/deals/${UNKNOWN_ID}`).set('Accept-Language', 'de');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      type: 'urn:crm:problem:not_found',
      title: 'Nicht gefunden',
      detail: `Unter den Datensätzen Ihrer Organisation, die Sie sehen dürfen, gibt es keinen Deal ${UNKNOWN_ID} (vielleicht liegt der Datensatz im Papierkorb).`,
    });
  });

  it('says in German that a lost reason name is taken, beside the field', async () => {
    const reason = { objectType: 'deal', name: 'Budget gestrichen 2027' };
    expect((await admin.post('/api/v1/lost-reasons').send(reason)).status).toBe(201);
    const res = await admin.post('/api/v1/lost-reasons').set('Accept-Language', 'de').send(reason);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      type: 'urn:crm:problem:duplicate_lost_reason',
      title: 'Einen Verlustgrund mit diesem Namen gibt es schon',
      detail:
        'Es gibt schon einen Verlustgrund „Budget gestrichen 2027“ für Deals; verwenden Sie ihn oder wählen Sie einen anderen Namen.',
      errors: [{ in: 'body', pointer: '#/name', detail: 'bereits vergeben' }],
    });
  });

  it('names an unknown relation type in German and English', async () => {
    const body = {
      typeId: UNKNOWN_ID,
      from: { type: 'person', id: UNKNOWN_ID },
      to: { type: 'organization', id: UNKNOWN_ID },
    };
    const german = await admin.post('/api/v1/relations').set('Accept-Language', 'de').send(body);
    expect(german.status).toBe(422);
    expect(german.body).toMatchObject({
      type: 'urn:crm:problem:unknown_relation_type',
      detail: `Es gibt keinen aktiven Beziehungstyp ${UNKNOWN_ID}; GET /api/v1/relation-types listet sie auf.`,
      errors: [{ in: 'body', pointer: '#/typeId', detail: 'kein solcher aktiver Beziehungstyp' }],
    });
    const english = await admin.post('/api/v1/relations').set('Accept-Language', 'en').send(body);
    expect(english.body.detail).toBe(
      `There is no active relation type ${UNKNOWN_ID}; GET /api/v1/relation-types lists them.`,
    );
  });

  it('asks in German to swap a backwards timeline range', async () => {
    const res = await admin.get('/api/v1/timeline?from=2027-03-10&to=2027-03-01').set('Accept-Language', 'de');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      type: 'urn:crm:problem:validation_failed',
      title: 'Der Zeitraum ist verkehrt herum',
      detail: 'to (2027-03-01) liegt vor from (2027-03-10); tauschen Sie die beiden.',
      errors: [{ in: 'query', pointer: '#/to', detail: 'vor from' }],
    });
  });
});

describe('the problem catalogue', () => {
  const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]))].sort();

  it('has every problem in German and English, with the same parameters in both', () => {
    const entries = Object.entries(problemCatalogue);
    expect(entries.length).toBeGreaterThan(10);
    for (const [key, entry] of entries) {
      for (const part of ['title', 'detail', 'field'] as const) {
        const text = entry[part];
        if (!text) continue;
        for (const language of LANGUAGES) {
          expect({ key, part, language, filled: text[language].trim().length > 0 }).toMatchObject({ filled: true });
        }
        expect({ key, part, de: placeholders(text.de) }).toEqual({ key, part, de: placeholders(text.en) });
      }
      expect({ key, status: entry.status >= 400 && entry.status <= 599 }).toEqual({ key, status: true });
    }
    for (const [key, text] of Object.entries(problemFieldTexts)) {
      expect({ key, de: placeholders(text.de) }).toEqual({ key, de: placeholders(text.en) });
    }
  });

  it('renders every template with its parameters, leaving no placeholder behind', () => {
    for (const [key, entry] of Object.entries(problemCatalogue)) {
      for (const text of [entry.title, entry.detail, entry.field]) {
        if (!text) continue;
        for (const language of LANGUAGES) {
          const params = Object.fromEntries(placeholders(text[language]).map((name) => [name, `‹${name}›`]));
          const rendered = renderTemplate(text[language], params, language);
          expect({ key, language, left: placeholders(rendered) }).toEqual({ key, language, left: [] });
          for (const name of Object.keys(params)) expect(rendered).toContain(`‹${name}›`);
        }
      }
    }
  });

  it('renders lists joined and texts in the asked language', () => {
    expect(renderTemplate('{who}: {ids}', { who: { en: 'users', de: 'Benutzer' }, ids: ['a', 'b'] }, 'de')).toBe(
      'Benutzer: a, b',
    );
    expect(renderTemplate('{count} left', { count: 3 }, 'en')).toBe('3 left');
  });
});
