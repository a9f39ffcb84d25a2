import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../http/tenancy.ts';
import { Tenant } from '../../modules/identity/tenant.entity.ts';
import { Note } from '../../modules/notes/note.entity.ts';
import { createTestApp, type TestApp, type TestTenant } from '../../testing/test-app.ts';
import { actAs } from '../acting-user.ts';
import { writeHistory } from '../audit.ts';
import { db } from '../sql.ts';

describe('the audit subscriber', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let anna: string;
  let bjoern: string;

  /** One request of a user: a tenant transaction acting as them. */
  const request = <T>(userId: string | null, work: (em: EntityManager) => Promise<T>) =>
    actAs(userId, () => inTenantTransaction(t.orm.em as EntityManager, contoso.id, work));
  const historyOf = (em: EntityManager, id: string) =>
    db(em)
      .selectFrom('history')
      .select(['action', 'field', 'before', 'after', 'changed_by', 'change_id'])
      .where('record_id', '=', id)
      .orderBy('id')
      .execute();
  const newNote = (em: EntityManager, text: string) =>
    em.create(Note, {
      tenant: em.getReference(Tenant, contoso.id),
      format: 'markdown',
      source: text,
      bodyHtml: `<p>${text}</p>`,
      bodyText: text,
    });

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Audit GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller' },
    ]);
    anna = await contoso.userId(contoso.upn('Anna Schmidt'));
    bjoern = await contoso.userId(contoso.upn('Björn Müller'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('stamps who wrote a note and when, and tells its creation once, in the same transaction', async () => {
    const { note, history } = await request(anna, async (em) => {
      const created = newNote(em, 'Besuch: Wartung');
      await em.flush();
      await em.flush();
      return { note: created, history: await historyOf(em, created.id) };
    });
    expect(note).toMatchObject({ version: 1, createdBy: anna, updatedBy: anna });
    expect(history).toEqual([
      expect.objectContaining({
        action: 'create',
        field: null,
        after: { body: { format: 'markdown', body: 'Besuch: Wartung' }, links: [], activityId: null },
        changed_by: anna,
      }),
    ]);
  });

  it('counts versions, stamps the changer and writes one row per changed field per flush', async () => {
    const id = await request(anna, async (em) => {
      const note = newNote(em, 'Erster Stand');
      await em.flush();
      return note.id;
    });
    const changed = await request(bjoern, async (em) => {
      const note = await em.findOneOrFail(Note, id);
      note.source = 'Zweiter Stand';
      note.activityId = null;
      await em.flush();
      await em.flush();
      return { version: note.version, updatedBy: note.updatedBy, createdBy: note.createdBy };
    });
    expect(changed).toEqual({ version: 2, updatedBy: bjoern, createdBy: anna });
    const history = await request(anna, (em) => historyOf(em, id));
    expect(history.map((row) => [row.action, row.field, row.changed_by])).toEqual([
      ['create', null, anna],
      ['update', 'body', bjoern],
    ]);
    expect(history[1]).toMatchObject({
      before: { format: 'markdown', body: 'Erster Stand' },
      after: { format: 'markdown', body: 'Zweiter Stand' },
    });
  });

  it('tells a trip to the trash and back, with who trashed it', async () => {
    const id = await request(anna, async (em) => {
      const note = newNote(em, 'Papierkorb');
      await em.flush();
      return note.id;
    });
    const trashed = await request(bjoern, async (em) => {
      const note = await em.findOneOrFail(Note, id);
      note.deletedAt = new Date();
      await em.flush();
      return { deletedBy: note.deletedBy, version: note.version };
    });
    expect(trashed).toEqual({ deletedBy: bjoern, version: 2 });
    const restored = await request(anna, async (em) => {
      const note = await em.findOneOrFail(Note, id, { filters: false });
      note.deletedAt = null;
      await em.flush();
      return { deletedBy: note.deletedBy, version: note.version };
    });
    expect(restored).toEqual({ deletedBy: null, version: 3 });
    const history = await request(anna, (em) => historyOf(em, id));
    expect(history.map((row) => [row.action, row.changed_by])).toEqual([
      ['create', anna],
      ['delete', bjoern],
      ['restore', anna],
    ]);
  });

  it('writes no history when the flush fails, nor when the transaction rolls back', async () => {
    let id = '';
    await expect(
      request(anna, async (em) => {
        // The database refuses an empty body: the flush fails as a whole.
        id = newNote(em, '').id;
        await em.flush();
      }),
    ).rejects.toThrow();
    await expect(
      request(anna, async (em) => {
        id = newNote(em, 'Nie gespeichert').id;
        await em.flush();
        throw new Error('the request failed later');
      }),
    ).rejects.toThrow('the request failed later');
    const left = await request(anna, async (em) => ({
      notes: await db(em).selectFrom('note').select('id').where('id', '=', id).execute(),
      history: await historyOf(em, id),
    }));
    expect(left).toEqual({ notes: [], history: [] });
  });

  it('gives a typed single-statement write the same history rows', async () => {
    const id = await request(anna, async (em) => {
      const note = newNote(em, 'Schnell');
      await em.flush();
      return note.id;
    });
    await request(bjoern, async (em) => {
      await db(em).updateTable('note').set({ activity_id: null }).where('id', '=', id).execute();
      await writeHistory(em, [
        { type: 'note', id, action: 'update', before: { body: 'a', links: [] }, after: { body: 'b', links: [] } },
      ]);
    });
    const history = await request(anna, (em) => historyOf(em, id));
    expect(history.at(-1)).toMatchObject({
      action: 'update',
      field: 'body',
      before: 'a',
      after: 'b',
      changed_by: bjoern,
    });
  });
});
