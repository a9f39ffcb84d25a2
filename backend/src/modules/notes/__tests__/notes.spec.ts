import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

const FOREIGN_ID = '0190f3c4-5b6a-7c8d-9e0f-123456789abc';

describe('notes', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let bjoern: AuthedAgent;
  let kaethe: AuthedAgent;
  let bjoernId: string;
  let person: string;
  let organization: string;

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Notizen GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Käthe Schäfer', appRoles: ['CRM.SalesRep'] },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    bjoern = await contoso.as(contoso.upn('Björn Müller'));
    kaethe = await contoso.as(contoso.upn('Käthe Schäfer'));
    bjoernId = await contoso.userId(contoso.upn('Björn Müller'));
    person = (await anna.post('/api/v1/persons').send({ firstName: 'Jürgen', lastName: 'Weiß' })).body.id;
    organization = (await anna.post('/api/v1/organizations').send({ name: 'Bäckerei Schmitt GmbH' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const onPerson = (body: object, links: object[] = [{ type: 'person', id: person }]) => ({ body, links });
  const html = (body: string) => ({ format: 'html', body });

  describe('rich text', () => {
    it('keeps the allowed HTML of a visit protocol and tells author and time', async () => {
      const res = await bjoern.post('/api/v1/notes').send(
        onPerson(
          html(
            '<h2>Besuch</h2><p>Herr Weiß wünscht <strong>zwei</strong> <em>neue</em> Öfen &amp; eine <u>Wartung</u>.</p>' +
              '<ul><li>Budget: 40.000 €</li><li><a href="https://schmitt.example/angebot">Angebot</a></li></ul>' +
              '<table><tr><th>Ofen</th><td colspan="2">Etagenofen</td></tr></table>',
          ),
          [
            { type: 'person', id: person },
            { type: 'organization', id: organization },
          ],
        ),
      );
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe(`/api/v1/notes/${res.body.id}`);
      expect(res.body.author).toEqual({ id: bjoernId, displayName: 'Björn Müller' });
      expect(Date.parse(res.body.createdAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(res.body.bodyHtml).toContain('<h2>Besuch</h2>');
      expect(res.body.bodyHtml).toContain('<strong>zwei</strong> <em>neue</em> Öfen &amp; eine <u>Wartung</u>');
      expect(res.body.bodyHtml).toContain(
        '<a href="https://schmitt.example/angebot" rel="noopener noreferrer">Angebot</a>',
      );
      expect(res.body.bodyHtml).toContain('<td colspan="2">Etagenofen</td>');
      expect(res.body.body).toEqual({ format: 'html', body: res.body.bodyHtml });
      expect(res.body.bodyText).toBe(
        'Besuch\nHerr Weiß wünscht zwei neue Öfen & eine Wartung.\nBudget: 40.000 €\nAngebot\nOfen Etagenofen',
      );
      expect(res.body.links).toHaveLength(2);
    });

    it.each([
      ['a script', '<p>Hallo</p><script>alert(1)</script>', '<p>Hallo</p>'],
      ['an event handler', '<p onclick="alert(1)">Hallo</p><img src=x onerror=alert(1)>', '<p>Hallo</p>'],
      ['a javascript: link', '<a href="javascript:alert(1)">Hallo</a>', 'Hallo'],
      ['an obfuscated javascript: link', '<a href="jav&#x09;ascript:alert(1)">Hallo</a>', 'Hallo'],
      ['a data: link', '<a href="data:text/html;base64,PHNjcmlwdD4=">Hallo</a>', 'Hallo'],
      ['a relative link', '<a href="/admin">Hallo</a>', 'Hallo'],
      [
        'an iframe and a style',
        '<iframe src="https://evil.example"></iframe><style>p{}</style><p>Hallo</p>',
        '<p>Hallo</p>',
      ],
      ['svg with script', '<svg><script>alert(1)</script></svg><p>Hallo</p>', '<p>Hallo</p>'],
      ['a style attribute', '<p style="background:url(javascript:alert(1))">Hallo</p>', '<p>Hallo</p>'],
      [
        'an opener link',
        '<a href="https://x.example" target="_blank" rel="opener">Hallo</a>',
        '<a href="https://x.example" rel="noopener noreferrer">Hallo</a>',
      ],
      ['a form', '<form action="https://evil.example"><input name="p"><button>Hallo</button></form>', 'Hallo'],
    ])('removes %s', async (_what, body, expected) => {
      const res = await bjoern.post('/api/v1/notes').send(onPerson(html(body)));
      expect(res.status).toBe(201);
      expect(res.body.bodyHtml).toBe(expected);
      expect(res.body.body.body).toBe(expected);
    });

    it('keeps Markdown as written and shows it rendered through the same sanitizer', async () => {
      const markdown =
        '# Anruf\n\nHerr Weiß will **Öfen**.\n\n1. Angebot\n2. [Katalog](https://schmitt.example/katalog)\n\n' +
        '<script>alert(1)</script>\n\n[klick](javascript:alert(1)) ~~alt~~ `Code` <img src=x onerror=alert(1)>';
      const res = await bjoern.post('/api/v1/notes').send(onPerson({ format: 'markdown', body: markdown }));
      expect(res.status).toBe(201);
      expect(res.body.body).toEqual({ format: 'markdown', body: markdown });
      expect(res.body.bodyHtml).toContain('<h2>Anruf</h2>');
      expect(res.body.bodyHtml).toContain('<strong>Öfen</strong>');
      expect(res.body.bodyHtml).toContain('<ol>');
      expect(res.body.bodyHtml).toContain(
        '<a href="https://schmitt.example/katalog" rel="noopener noreferrer">Katalog</a>',
      );
      expect(res.body.bodyHtml).toContain('<p>klick <s>alt</s> <code>Code</code> </p>');
      expect(res.body.bodyHtml).not.toMatch(/script|javascript|onerror|<img/);
      expect(res.body.bodyText).toContain('Herr Weiß will Öfen.');
    });

    it('refuses a note with nothing left after removing unsafe HTML, an empty one, and one over 100 kB', async () => {
      const script = await bjoern.post('/api/v1/notes').send(onPerson(html('<script>alert("x")</script>')));
      expect(script.status).toBe(400);
      expect(script.headers['content-type']).toMatch(/problem\+json/);
      expect(script.body.detail).toMatch(/nothing left after removing unsafe HTML/);
      expect(script.body.errors[0]).toEqual({
        in: 'body',
        pointer: '#/body/body',
        detail: 'nothing left after removing unsafe HTML',
      });
      const markdownScript = await bjoern
        .post('/api/v1/notes')
        .send(onPerson({ format: 'markdown', body: '<script>alert(1)</script>' }));
      expect(markdownScript.status).toBe(400);
      const empty = await bjoern.post('/api/v1/notes').send(onPerson({ format: 'markdown', body: '   ' }));
      expect(empty.status).toBe(400);
      expect(empty.body.detail).toMatch(/empty/);
      const large = await bjoern.post('/api/v1/notes').send(onPerson({ format: 'markdown', body: 'ä'.repeat(60_000) }));
      expect(large.status).toBe(413);
      expect(large.body.detail).toMatch(/at most 100 kB/);
      const justRight = await bjoern
        .post('/api/v1/notes')
        .send(onPerson({ format: 'markdown', body: 'a'.repeat(100 * 1024) }));
      expect(justRight.status).toBe(201);
      const badFormat = await bjoern.post('/api/v1/notes').send(onPerson({ format: 'docx', body: 'x' }));
      expect(badFormat.status).toBe(400);
      expect(badFormat.body.errors[0].pointer).toBe('#/body/format');
    });
  });

  describe('records, authors and the trash', () => {
    it('needs a record it is on, of this organisation and not in the trash', async () => {
      const none = await bjoern.post('/api/v1/notes').send(onPerson(html('<p>Lose</p>'), []));
      expect(none.status).toBe(400);
      expect(none.body.errors[0].pointer).toBe('#/links');
      const unknown = await bjoern
        .post('/api/v1/notes')
        .send(onPerson(html('<p>Niemand</p>'), [{ type: 'person', id: FOREIGN_ID }]));
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors[0].pointer).toBe('#/links/0/id');
      const fabrikam = await t.createTenant('Fabrikam Notizen AG', [{ displayName: 'Zoë Bäcker' }]);
      const zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
      const theirPerson = (await zoe.post('/api/v1/persons').send({ lastName: 'Fremd' })).body.id;
      const theirNote = (
        await zoe
          .post('/api/v1/notes')
          .send({ body: html('<p>Geheim</p>'), links: [{ type: 'person', id: theirPerson }] })
      ).body;
      const foreign = await bjoern
        .post('/api/v1/notes')
        .send(onPerson(html('<p>Fremd</p>'), [{ type: 'person', id: theirPerson }]));
      expect(foreign.status).toBe(422);
      expect((await bjoern.get(`/api/v1/notes/${theirNote.id}`)).status).toBe(404);
      expect((await anna.patch(`/api/v1/notes/${theirNote.id}`).send({ body: html('<p>x</p>') })).status).toBe(404);
      expect((await anna.delete(`/api/v1/notes/${theirNote.id}`)).status).toBe(404);
      expect((await anna.get(`/api/v1/records/person/${theirPerson}/notes`)).status).toBe(404);
      const unknownActivity = await bjoern
        .post('/api/v1/notes')
        .send({ ...onPerson(html('<p>Zum Termin</p>')), activityId: FOREIGN_ID });
      expect(unknownActivity.status).toBe(422);
      expect(unknownActivity.body.errors[0].pointer).toBe('#/activityId');
    });

    it('is the protocol of an activity only when the writer may see that activity', async () => {
      const types = (await anna.get('/api/v1/activity-types')).body.items;
      const visitType = types.find((type: { key: string }) => type.key === 'visit').id;
      const kaethesVisit = (
        await kaethe.post('/api/v1/activities').send({
          typeId: visitType,
          subject: 'Besuch',
          startsAt: '2026-11-24T09:00:00+01:00',
          links: [{ type: 'person', id: person }],
        })
      ).body.id;
      const protocol = await kaethe
        .post('/api/v1/notes')
        .send({ ...onPerson(html('<p>Protokoll</p>')), activityId: kaethesVisit });
      expect(protocol.status).toBe(201);
      expect(protocol.body.activityId).toBe(kaethesVisit);
      const notHers = await bjoern
        .post('/api/v1/notes')
        .send({ ...onPerson(html('<p>Fremdes Protokoll</p>')), activityId: kaethesVisit });
      expect(notHers.status).toBe(422);
    });

    it('lists the notes on a record newest first, page by page', async () => {
      const org = (await anna.post('/api/v1/organizations').send({ name: 'Listen KG' })).body.id;
      for (const word of ['eins', 'zwei', 'drei']) {
        await bjoern.post('/api/v1/notes').send(onPerson(html(`<p>${word}</p>`), [{ type: 'organization', id: org }]));
      }
      const first = await kaethe.get(`/api/v1/records/organization/${org}/notes?limit=2`);
      expect(first.status).toBe(200);
      expect(first.body.items.map((note: { bodyText: string }) => note.bodyText)).toEqual(['drei', 'zwei']);
      const second = await kaethe.get(
        `/api/v1/records/organization/${org}/notes?limit=2&cursor=${first.body.nextCursor}`,
      );
      expect(second.body.items.map((note: { bodyText: string }) => note.bodyText)).toEqual(['eins']);
      expect(second.body.nextCursor).toBeNull();
      expect((await kaethe.get(`/api/v1/records/organization/${FOREIGN_ID}/notes`)).status).toBe(404);
    });

    it('lets its author change it under If-Match, an admin too, nobody else; history tells', async () => {
      const { body: note } = await bjoern.post('/api/v1/notes').send(onPerson(html('<p>Erster Stand</p>')));
      const changed = await bjoern
        .patch(`/api/v1/notes/${note.id}`)
        .set('If-Match', '"1"')
        .send({ body: { format: 'markdown', body: 'Zweiter *Stand*' } });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        version: 2,
        bodyHtml: '<p>Zweiter <em>Stand</em></p>',
        updatedBy: bjoernId,
      });
      expect(changed.headers.etag).toBe('"2"');
      const stale = await bjoern
        .patch(`/api/v1/notes/${note.id}`)
        .set('If-Match', '"1"')
        .send({ body: html('<p>x</p>') });
      expect(stale.status).toBe(412);
      const someoneElse = await kaethe.patch(`/api/v1/notes/${note.id}`).send({ body: html('<p>Übermalt</p>') });
      expect(someoneElse.status).toBe(403);
      expect(someoneElse.body.detail).toMatch(/author/);
      expect((await kaethe.delete(`/api/v1/notes/${note.id}`)).status).toBe(403);
      const byAdmin = await anna
        .patch(`/api/v1/notes/${note.id}`)
        .send({ links: [{ type: 'organization', id: organization }] });
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body.links).toEqual([{ type: 'organization', id: organization }]);
      const unsafeEdit = await bjoern.patch(`/api/v1/notes/${note.id}`).send({ body: html('<script>1</script>') });
      expect(unsafeEdit.status).toBe(400);
      expect((await bjoern.get(`/api/v1/notes/${note.id}`)).body.bodyText).toBe('Zweiter Stand');
      const history = (await bjoern.get(`/api/v1/notes/${note.id}/history`)).body.items;
      expect(history.map((item: { field: string | null; action: string }) => item.field ?? item.action).sort()).toEqual(
        ['body', 'create', 'links'],
      );
    });

    it('moves a note to the trash and back; search follows', async () => {
      const { body: note } = await bjoern.post('/api/v1/notes').send(onPerson(html('<p>Kaffeemaschine defekt</p>')));
      const found = async () =>
        (await kaethe.get('/api/v1/search?q=kaffeemaschine&type=note')).body.items.map((hit: { id: string }) => hit.id);
      expect(await found()).toEqual([note.id]);
      expect((await bjoern.delete(`/api/v1/notes/${note.id}`).set('If-Match', '"9"')).status).toBe(412);
      expect((await bjoern.delete(`/api/v1/notes/${note.id}`)).status).toBe(204);
      expect((await bjoern.get(`/api/v1/notes/${note.id}`)).status).toBe(404);
      expect(await found()).toEqual([]);
      const onRecord = (await bjoern.get(`/api/v1/records/person/${person}/notes?limit=200`)).body.items;
      expect(onRecord.map((item: { id: string }) => item.id)).not.toContain(note.id);
      expect((await kaethe.post(`/api/v1/notes/${note.id}/restore`)).status).toBe(403);
      expect((await bjoern.post(`/api/v1/notes/${note.id}/restore`)).status).toBe(200);
      expect(await found()).toEqual([note.id]);
    });
  });

  describe('search', () => {
    let bakery: string;
    let ovenNote: string;

    beforeAll(async () => {
      bakery = (await anna.post('/api/v1/organizations').send({ name: 'Konditorei Zuckerbäcker GmbH' })).body.id;
      ovenNote = (
        await bjoern.post('/api/v1/notes').send({
          body: {
            format: 'markdown',
            body: 'Der **Stikkenofen** in der Filiale Nippes muss im März getauscht werden.',
          },
          links: [{ type: 'organization', id: bakery }],
        })
      ).body.id;
    });

    it('finds a note by the words in its text, typed note, with the record it is on', async () => {
      const res = await kaethe.get('/api/v1/search?q=stikkenofen');
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({
          type: 'note',
          id: ovenNote,
          title: 'Der Stikkenofen in der Filiale Nippes muss im März getauscht werden.',
          records: [{ type: 'organization', id: bakery, title: 'Konditorei Zuckerbäcker GmbH' }],
        }),
      ]);
      expect(res.body.items[0].highlight).toContain('<mark>Stikkenofen</mark>');
    });

    it('finds words by prefix and with folded umlauts, and filters by type', async () => {
      const folded = await kaethe.get('/api/v1/search?q=maerz filiale');
      expect(folded.body.items.map((hit: { id: string }) => hit.id)).toContain(ovenNote);
      const prefix = await kaethe.get('/api/v1/search?q=stikken');
      expect(prefix.body.items.map((hit: { id: string }) => hit.id)).toContain(ovenNote);
      const onlyOrganizations = await kaethe.get('/api/v1/search?q=stikkenofen&type=organization');
      expect(onlyOrganizations.body.items).toEqual([]);
      const bakeryItself = await kaethe.get('/api/v1/search?q=zuckerbaecker');
      expect(bakeryItself.body.items.map((hit: { type: string }) => hit.type)).toContain('organization');
    });

    it('hides a note whose records are all in the trash, and shows it again when one comes back', async () => {
      await anna.delete(`/api/v1/organizations/${bakery}`);
      expect((await kaethe.get('/api/v1/search?q=stikkenofen')).body.items).toEqual([]);
      await anna.post(`/api/v1/organizations/${bakery}/restore`);
      expect((await kaethe.get('/api/v1/search?q=stikkenofen')).body.items).toHaveLength(1);
    });

    it("never finds another organisation's notes", async () => {
      const fabrikam = await t.createTenant('Fabrikam Suche AG', [{ displayName: 'Zoë Bäcker' }]);
      const zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
      expect((await zoe.get('/api/v1/search?q=stikkenofen')).body.items).toEqual([]);
    });
  });

  describe('in the 360° view', () => {
    it('shows the count and newest notes of a record at the same cost for 1 note as for 12', async () => {
      const small = (await anna.post('/api/v1/organizations').send({ name: 'Klein Notiz KG' })).body.id;
      const large = (await anna.post('/api/v1/organizations').send({ name: 'Groß Notiz AG' })).body.id;
      await bjoern.post('/api/v1/notes').send(onPerson(html('<p>Einzige</p>'), [{ type: 'organization', id: small }]));
      for (let i = 1; i <= 12; i++) {
        await bjoern
          .post('/api/v1/notes')
          .send(onPerson({ format: 'markdown', body: `Notiz ${i}` }, [{ type: 'organization', id: large }]));
      }
      const overview = (await kaethe.get(`/api/v1/records/organization/${large}/overview`)).body;
      expect(overview.notes.count).toBe(12);
      expect(overview.notes.newest.map((note: { excerpt: string }) => note.excerpt)).toEqual([
        'Notiz 12',
        'Notiz 11',
        'Notiz 10',
      ]);
      expect(overview.notes.newest[0].author).toEqual({ id: bjoernId, displayName: 'Björn Müller' });
      const cost = (id: string) =>
        t.countQueries(async () =>
          expect((await kaethe.get(`/api/v1/records/organization/${id}/overview`)).status).toBe(200),
        );
      expect(await cost(large)).toBe(await cost(small));
    });
  });
});
