import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthedAgent, createTestApp, type TestApp, type TestTenant } from '../../../testing/test-app.ts';

describe('comments on records', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: AuthedAgent;
  let bjoern: AuthedAgent;
  let kaethe: AuthedAgent;
  let ids: Record<'anna' | 'bjoern' | 'kaethe' | 'lena', string>;
  let person: string;

  const sql = <T>(query: string, params: unknown[] = []) => t.orm.em.getConnection().execute<T[]>(query, params);
  const notificationsOf = (userId: string) =>
    sql<{ kind: string; idempotency_key: string; payload: Record<string, unknown>; tenant_id: string }>(
      `select kind, idempotency_key, payload, tenant_id from notification where recipient_id = ? and kind = 'mention'
        order by created_at`,
      [userId],
    );
  const mention = (name: string, userId: string) => `@[${name}](user:${userId})`;

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Kommentare GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Käthe Schäfer', appRoles: ['CRM.SalesRep'] },
      { displayName: 'Lena Groß', appRoles: ['CRM.SalesRep'] },
    ]);
    anna = await contoso.as(contoso.upn('Anna Schmidt'));
    bjoern = await contoso.as(contoso.upn('Björn Müller'));
    kaethe = await contoso.as(contoso.upn('Käthe Schäfer'));
    ids = {
      anna: await contoso.userId(contoso.upn('Anna Schmidt')),
      bjoern: await contoso.userId(contoso.upn('Björn Müller')),
      kaethe: await contoso.userId(contoso.upn('Käthe Schäfer')),
      lena: await contoso.userId(contoso.upn('Lena Groß')),
    };
    person = (await anna.post('/api/v1/persons').send({ firstName: 'Jürgen', lastName: 'Weiß' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets everyone who sees the record read and write the conversation', async () => {
    const first = await bjoern
      .post(`/api/v1/records/person/${person}/comments`)
      .send({ body: 'Hat er schon bestellt?' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      record: { type: 'person', id: person },
      body: 'Hat er schon bestellt?',
      bodyHtml: 'Hat er schon bestellt?',
      mentions: [],
      author: { id: ids.bjoern, displayName: 'Björn Müller' },
      version: 1,
      editedAt: null,
    });
    const answer = await kaethe.post(`/api/v1/records/person/${person}/comments`).send({ body: 'Nein,\nnoch nicht.' });
    expect(answer.body.bodyHtml).toBe('Nein,<br>noch nicht.');
    const list = await anna.get(`/api/v1/records/person/${person}/comments`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((comment: { body: string }) => comment.body)).toEqual([
      'Hat er schon bestellt?',
      'Nein,\nnoch nicht.',
    ]);
    const newest = await anna.get(`/api/v1/records/person/${person}/comments?order=newest&limit=1`);
    expect(newest.body.items[0].body).toBe('Nein,\nnoch nicht.');
    const older = await anna.get(
      `/api/v1/records/person/${person}/comments?order=newest&limit=1&cursor=${newest.body.nextCursor}`,
    );
    expect(older.body.items[0].body).toBe('Hat er schon bestellt?');
    expect(older.body.nextCursor).toBeNull();
  });

  it('notifies each mentioned colleague exactly once, with the record and an excerpt', async () => {
    const body = `${mention('Käthe Schäfer', ids.kaethe)} und ${mention('Lena', ids.lena)}: bitte Angebot prüfen. ${mention('Käthe', ids.kaethe)}`;
    const res = await bjoern.post(`/api/v1/records/person/${person}/comments`).send({ body });
    expect(res.status).toBe(201);
    expect(res.body.mentions).toEqual([
      { userId: ids.kaethe, displayName: 'Käthe Schäfer' },
      { userId: ids.lena, displayName: 'Lena Groß' },
    ]);
    expect(res.body.bodyHtml).toBe(
      `<span class="mention" data-user-id="${ids.kaethe}">@Käthe Schäfer</span> und ` +
        `<span class="mention" data-user-id="${ids.lena}">@Lena Groß</span>: bitte Angebot prüfen. ` +
        `<span class="mention" data-user-id="${ids.kaethe}">@Käthe Schäfer</span>`,
    );
    const kaethes = await notificationsOf(ids.kaethe);
    expect(kaethes).toEqual([
      {
        kind: 'mention',
        idempotency_key: `mention:${res.body.id}:${ids.kaethe}`,
        tenant_id: contoso.id,
        payload: {
          commentId: res.body.id,
          record: { type: 'person', id: person, title: 'Jürgen Weiß' },
          authorId: ids.bjoern,
          authorName: 'Björn Müller',
          excerpt: '@Käthe Schäfer und @Lena: bitte Angebot prüfen. @Käthe',
        },
      },
    ]);
    expect(await notificationsOf(ids.lena)).toHaveLength(1);
  });

  it('notifies only the newly mentioned when an edit adds a mention, and nobody for mentioning oneself', async () => {
    const { body: created } = await bjoern
      .post(`/api/v1/records/person/${person}/comments`)
      .send({ body: `${mention('Anna', ids.anna)} schau mal, ${mention('ich', ids.bjoern)}` });
    expect(await notificationsOf(ids.bjoern)).toHaveLength(0);
    const annasBefore = (await notificationsOf(ids.anna)).length;
    const lenasBefore = (await notificationsOf(ids.lena)).length;
    const edited = await bjoern
      .patch(`/api/v1/comments/${created.id}`)
      .set('If-Match', '"1"')
      .send({ body: `${mention('Anna', ids.anna)} und ${mention('Lena', ids.lena)} schaut mal` });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, editedAt: expect.any(String) });
    expect(await notificationsOf(ids.anna)).toHaveLength(annasBefore);
    const lenas = await notificationsOf(ids.lena);
    expect(lenas).toHaveLength(lenasBefore + 1);
    expect(lenas.at(-1)?.idempotency_key).toBe(`mention:${created.id}:${ids.lena}`);
    // Saving the same mentions again notifies nobody.
    await bjoern.patch(`/api/v1/comments/${created.id}`).send({ body: `${edited.body.body} bitte` });
    expect(await notificationsOf(ids.lena)).toHaveLength(lenasBefore + 1);
  });

  it('refuses mentions of strangers, colleagues of another organisation and deactivated users; stores nothing', async () => {
    const count = async () =>
      (
        await sql<{ c: number; n: number }>(
          'select (select count(*) from comment)::int as c, (select count(*) from notification)::int as n',
        )
      )[0];
    const before = await count();
    const stranger = await bjoern.post(`/api/v1/records/person/${person}/comments`).send({
      body: `${mention('Käthe', ids.kaethe)} und ${mention('Niemand', '0190f3c4-5b6a-7c8d-9e0f-123456789abc')}`,
    });
    expect(stranger.status).toBe(422);
    expect(stranger.body.detail).toMatch(/0190f3c4-5b6a-7c8d-9e0f-123456789abc/);
    expect(stranger.body.errors[0].pointer).toBe('#/body');
    const fabrikam = await t.createTenant('Fabrikam Kommentare AG', [{ displayName: 'Zoë Bäcker' }]);
    const zoeId = await fabrikam.userId(fabrikam.upn('Zoë Bäcker'));
    const foreign = await bjoern
      .post(`/api/v1/records/person/${person}/comments`)
      .send({ body: `${mention('Zoë', zoeId)} kennst du den?` });
    expect(foreign.status).toBe(422);
    expect((await anna.patch(`/api/v1/admin/users/${ids.lena}`).send({ active: false })).status).toBe(200);
    const inactive = await bjoern
      .post(`/api/v1/records/person/${person}/comments`)
      .send({ body: `${mention('Lena', ids.lena)} bist du noch da?` });
    expect(inactive.status).toBe(422);
    await anna.patch(`/api/v1/admin/users/${ids.lena}`).send({ active: true });
    const empty = await bjoern.post(`/api/v1/records/person/${person}/comments`).send({ body: '   ' });
    expect(empty.status).toBe(400);
    const long = await bjoern.post(`/api/v1/records/person/${person}/comments`).send({ body: 'x'.repeat(10_001) });
    expect(long.status).toBe(400);
    expect(long.body.errors[0].detail).toMatch(/10000/);
    expect(await count()).toEqual(before);
  });

  it('shows HTML and scripts in a comment as text, never as markup', async () => {
    const body = `<script>alert(1)</script><img src=x onerror=alert(1)> ${mention('<b onmouseover=alert(1)>Chef</b>', ids.anna)} "quoted" & 'so'`;
    const res = await bjoern.post(`/api/v1/records/person/${person}/comments`).send({ body });
    expect(res.status).toBe(201);
    expect(res.body.body).toBe(body);
    expect(res.body.bodyHtml).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; ' +
        `<span class="mention" data-user-id="${ids.anna}">@Anna Schmidt</span> &quot;quoted&quot; &amp; &#39;so&#39;`,
    );
  });

  it('lets the author edit and delete under If-Match, an admin too, nobody else', async () => {
    const { body: comment } = await bjoern.post(`/api/v1/records/person/${person}/comments`).send({ body: 'Entwurf' });
    const foreignEdit = await kaethe.patch(`/api/v1/comments/${comment.id}`).send({ body: 'Übernommen' });
    expect(foreignEdit.status).toBe(403);
    expect(foreignEdit.body.detail).toMatch(/author/);
    expect((await kaethe.delete(`/api/v1/comments/${comment.id}`)).status).toBe(403);
    const stale = await bjoern.patch(`/api/v1/comments/${comment.id}`).set('If-Match', '"4"').send({ body: 'Neu' });
    expect(stale.status).toBe(412);
    const byAdmin = await anna.patch(`/api/v1/comments/${comment.id}`).send({ body: 'Von der Admin korrigiert' });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.author.id).toBe(ids.bjoern);
    expect((await bjoern.delete(`/api/v1/comments/${comment.id}`).set('If-Match', '"1"')).status).toBe(412);
    expect((await bjoern.delete(`/api/v1/comments/${comment.id}`).set('If-Match', '"2"')).status).toBe(204);
    expect((await bjoern.patch(`/api/v1/comments/${comment.id}`).send({ body: 'x' })).status).toBe(404);
    const listed = (await anna.get(`/api/v1/records/person/${person}/comments?limit=200`)).body.items;
    expect(listed.map((item: { id: string }) => item.id)).not.toContain(comment.id);
  });

  it("keeps another organisation's records and comments out of reach", async () => {
    const fabrikam = await t.createTenant('Fabrikam Gespräch AG', [{ displayName: 'Zoë Bäcker' }]);
    const zoe = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
    const theirPerson = (await zoe.post('/api/v1/persons').send({ lastName: 'Fremd' })).body.id;
    const theirComment = (await zoe.post(`/api/v1/records/person/${theirPerson}/comments`).send({ body: 'Geheim' }))
      .body;
    expect((await anna.get(`/api/v1/records/person/${theirPerson}/comments`)).status).toBe(404);
    expect((await anna.post(`/api/v1/records/person/${theirPerson}/comments`).send({ body: 'Hallo' })).status).toBe(
      404,
    );
    expect((await anna.patch(`/api/v1/comments/${theirComment.id}`).send({ body: 'Übernommen' })).status).toBe(404);
    expect((await anna.delete(`/api/v1/comments/${theirComment.id}`)).status).toBe(404);
    const onOwn = (await anna.get(`/api/v1/records/person/${person}/comments?limit=200`)).body.items;
    expect(onOwn.map((item: { body: string }) => item.body)).not.toContain('Geheim');
  });

  it('hides the conversation of a record in the trash', async () => {
    const gone = (await anna.post('/api/v1/persons').send({ lastName: 'Papierkorb' })).body.id;
    await anna.post(`/api/v1/records/person/${gone}/comments`).send({ body: 'Bald weg' });
    await anna.delete(`/api/v1/persons/${gone}`);
    expect((await anna.get(`/api/v1/records/person/${gone}/comments`)).status).toBe(404);
    expect((await anna.post(`/api/v1/records/person/${gone}/comments`).send({ body: 'Hallo?' })).status).toBe(404);
  });

  it('moves the conversation to the survivor of a merge', async () => {
    const survivor = (await anna.post('/api/v1/persons').send({ firstName: 'Maria', lastName: 'Schulze' })).body;
    const duplicate = (
      await anna.post('/api/v1/persons?confirm=duplicate').send({ firstName: 'Maria', lastName: 'Schultze' })
    ).body;
    await bjoern.post(`/api/v1/records/person/${survivor.id}/comments`).send({ body: 'Am Survivor' });
    await bjoern.post(`/api/v1/records/person/${duplicate.id}/comments`).send({ body: 'Am Duplikat' });
    const merged = await anna
      .post('/api/v1/duplicates/merge')
      .send({ type: 'person', survivorId: survivor.id, mergedId: duplicate.id });
    expect(merged.status).toBe(200);
    const conversation = (await anna.get(`/api/v1/records/person/${survivor.id}/comments`)).body.items;
    expect(conversation.map((item: { body: string }) => item.body)).toEqual(['Am Survivor', 'Am Duplikat']);
    expect(conversation[1].record).toEqual({ type: 'person', id: survivor.id });
  });

  it('shows count and newest comments in the 360° view, at the same cost for 1 comment as for 15', async () => {
    const small = (await anna.post('/api/v1/organizations').send({ name: 'Klein Gespräch KG' })).body.id;
    const large = (await anna.post('/api/v1/organizations').send({ name: 'Groß Gespräch AG' })).body.id;
    // Both mention someone: resolving mentioned names is one statement, however many comments.
    await bjoern
      .post(`/api/v1/records/organization/${small}/comments`)
      .send({ body: `${mention('Käthe', ids.kaethe)} Eins` });
    for (let i = 1; i <= 15; i++) {
      await bjoern
        .post(`/api/v1/records/organization/${large}/comments`)
        .send({ body: `${mention('Käthe', ids.kaethe)} Nr. ${i}` });
    }
    const overview = (await kaethe.get(`/api/v1/records/organization/${large}/overview`)).body;
    expect(overview.comments.count).toBe(15);
    expect(overview.comments.newest.map((comment: { body: string }) => comment.body.split(' ').at(-1))).toEqual([
      '15',
      '14',
      '13',
    ]);
    expect(overview.comments.newest[0].mentions).toEqual([{ userId: ids.kaethe, displayName: 'Käthe Schäfer' }]);
    const cost = (id: string) =>
      t.countQueries(async () =>
        expect((await kaethe.get(`/api/v1/records/organization/${id}/overview`)).status).toBe(200),
      );
    expect(await cost(large)).toBe(await cost(small));
  });
});
