// Outlook contacts through the real Graph client: folders, CRUD, delta rounds with paging, changes, removals
// and 410, immutable ids, and whose mailbox a token reaches.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { RunningEmulator } from '../index.ts';
import { appToken, delegatedToken, deltaRound, graphClient, graphError, JUERGEN } from './graph-client.ts';
import { ANNA, FABRIKAM, startTrustedEmulator } from './trusted-emulator.ts';

describe('Graph contacts in the emulator', () => {
  let emulator: RunningEmulator;
  let anna: Client;
  let app: Client;

  beforeAll(async () => {
    emulator = await startTrustedEmulator();
    anna = graphClient(emulator, await delegatedToken(emulator));
    app = graphClient(emulator, await appToken(emulator));
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('keeps contact folders and contacts with the fields of Graph contact resource', async () => {
    const folder = await anna.api('/me/contactFolders').post({ displayName: 'CRM' });
    expect(folder).toMatchObject({ id: expect.any(String), displayName: 'CRM' });
    const duplicate = await graphError(anna.api('/me/contactFolders').post({ displayName: 'crm' }));
    expect(duplicate.statusCode).toBe(409);
    const found = await anna.api('/me/contactFolders').filter("displayName eq 'CRM'").get();
    expect(found.value).toEqual([expect.objectContaining({ id: folder.id })]);

    const created = await anna.api(`/me/contactFolders/${folder.id}/contacts`).post({
      givenName: 'Petra',
      surname: 'Lange',
      companyName: 'Lange Logistik GmbH',
      jobTitle: 'Einkauf',
      emailAddresses: [{ address: 'petra.lange@lange-logistik.example', name: 'Petra Lange' }],
      businessPhones: ['+49 40 123456'],
      mobilePhone: '+49 171 2345678',
      businessAddress: {
        street: 'Hafenstraße 1',
        city: 'Hamburg',
        postalCode: '20457',
        countryOrRegion: 'Deutschland',
      },
      categories: ['CRM'],
    });
    expect(created).toMatchObject({
      displayName: 'Petra Lange',
      parentFolderId: folder.id,
      businessAddress: { city: 'Hamburg' },
      homePhones: [],
      changeKey: expect.any(String),
      lastModifiedDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    // The app reaches the same mailbox by UPN with its application permission.
    const seenByApp = await app.api(`/users/${ANNA}/contacts/${created.id}`).get();
    expect(seenByApp).toMatchObject({ id: created.id, companyName: 'Lange Logistik GmbH' });

    const updated = await app
      .api(`/users/${ANNA}/contactFolders/${folder.id}/contacts/${created.id}`)
      .patch({ jobTitle: 'Leitung Einkauf' });
    expect(updated.jobTitle).toBe('Leitung Einkauf');
    expect(updated.changeKey).not.toBe(created.changeKey);
    // A write that names an older version (If-Match with the old etag) fails, as in Exchange.
    const stale = await graphError(
      anna.api(`/me/contacts/${created.id}`).header('If-Match', created['@odata.etag']).patch({ jobTitle: 'Alt' }),
    );
    expect(stale).toMatchObject({ statusCode: 412, code: 'ErrorIrresolvableConflict' });
    await anna
      .api(`/me/contacts/${created.id}`)
      .header('If-Match', updated['@odata.etag'])
      .patch({ department: 'Einkauf' });

    const listed = await anna.api(`/me/contactFolders/${folder.id}/contacts`).select('displayName,jobTitle').get();
    expect(listed.value).toEqual([
      expect.objectContaining({ id: created.id, displayName: 'Petra Lange', jobTitle: 'Leitung Einkauf' }),
    ]);
    expect(listed.value[0]).not.toHaveProperty('companyName');

    const bad = await graphError(anna.api('/me/contacts').post({ givenName: 'X', favouriteColour: 'blue' }));
    expect(bad.statusCode).toBe(400);
    const broken = await graphError(
      anna.api('/me/contacts').header('Content-Type', 'application/json').post('{"givenName":'),
    );
    expect(broken).toMatchObject({ statusCode: 400, code: 'BadRequest' });

    await anna.api(`/me/contacts/${created.id}`).delete();
    const gone = await graphError(anna.api(`/me/contacts/${created.id}`).get());
    expect(gone).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
  });

  it('reaches only the mailboxes the token may: not a colleague for a user, not another tenant for an app', async () => {
    const colleague = await graphError(anna.api(`/users/${JUERGEN}/contacts`).get());
    expect(colleague).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
    const fabrikamApp = graphClient(emulator, await appToken(emulator, FABRIKAM));
    const otherTenant = await graphError(fabrikamApp.api(`/users/${ANNA}/contacts`).get());
    expect(otherTenant.statusCode).toBe(404);
    const appOnMe = await graphError(app.api('/me/contacts').get());
    expect(appOnMe.statusCode).toBe(400);
  });

  it('pages a first delta round, then answers only changes and removals, and allows replaying a deltaLink', async () => {
    const { id: folderId } = emulator.graph.createContactFolder({ user: JUERGEN, displayName: 'CRM' });
    await emulator.graph.seedContacts({ user: JUERGEN, folderId, count: 25 });
    const juergen = graphClient(emulator, await delegatedToken(emulator, JUERGEN));

    const first = await deltaRound(juergen, `/me/contactFolders/${folderId}/contacts/delta`, ['odata.maxpagesize=10']);
    expect(first.pages).toBe(3);
    expect(first.items).toHaveLength(25);
    expect(new Set(first.items.map((item) => item.id)).size).toBe(25);

    const [edited, deleted] = first.items;
    // Outlook edits one, the CRM deletes one and adds one through Graph.
    emulator.graph.updateContact({ user: JUERGEN, id: String(edited?.id), changes: { jobTitle: 'Geschäftsführung' } });
    await juergen.api(`/me/contacts/${deleted?.id}`).delete();
    const added = await juergen
      .api(`/me/contactFolders/${folderId}/contacts`)
      .post({ givenName: 'Neu', surname: 'Kontakt' });

    const second = await deltaRound(juergen, first.deltaLink);
    expect(second.items).toHaveLength(3);
    expect(second.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: edited?.id, jobTitle: 'Geschäftsführung' }),
        { '@odata.type': '#microsoft.graph.contact', id: deleted?.id, '@removed': { reason: 'deleted' } },
        expect.objectContaining({ id: added.id, displayName: 'Neu Kontakt' }),
      ]),
    );

    const replay = await deltaRound(juergen, first.deltaLink);
    expect(replay.items.map((item) => item.id).sort()).toEqual(second.items.map((item) => item.id).sort());
    const quiet = await deltaRound(juergen, second.deltaLink);
    expect(quiet.items).toEqual([]);
  });

  it('answers 410 SyncStateNotFound for an expired or unknown delta token, so the client syncs again', async () => {
    const round = await deltaRound(anna, '/me/contacts/delta');
    expect(emulator.graph.expireDeltaTokens()).toBeGreaterThan(0);
    const expired = await graphError(anna.api(round.deltaLink).get());
    expect(expired).toMatchObject({ statusCode: 410, code: 'SyncStateNotFound' });
    const unknown = await graphError(anna.api('/me/contacts/delta?$deltatoken=made-up').get());
    expect(unknown.statusCode).toBe(410);
    const fresh = await deltaRound(anna, '/me/contacts/delta');
    expect(fresh.deltaLink).toContain('$deltatoken=');
  });

  it('keeps immutable ids when Outlook moves a contact, while the default ids change', async () => {
    const { id: archive } = emulator.graph.createContactFolder({ user: ANNA, displayName: 'Archiv' });
    const immutable = await anna
      .api('/me/contacts')
      .header('Prefer', 'IdType="ImmutableId"')
      .post({ givenName: 'Moritz', surname: 'Wandel' });
    const mutable = await anna.api(`/me/contacts/${immutable.id}`).get();
    expect(mutable.id).not.toBe(immutable.id);

    emulator.graph.moveContact({ user: ANNA, id: immutable.id, folderId: archive });

    const byImmutable = await anna.api(`/me/contacts/${immutable.id}`).header('Prefer', 'IdType="ImmutableId"').get();
    expect(byImmutable).toMatchObject({ id: immutable.id, parentFolderId: archive, displayName: 'Moritz Wandel' });
    const byOldId = await graphError(anna.api(`/me/contacts/${mutable.id}`).get());
    expect(byOldId.statusCode).toBe(404);
    const moved = await anna.api(`/me/contacts/${immutable.id}`).get();
    expect(moved.id).not.toBe(mutable.id);
  });

  it('keeps extended properties the CRM stamps on items, answered when expanded and searchable by $filter', async () => {
    const crmId = 'String {6f1c1b4e-3f5a-4a3e-9c55-2a8d1c0b7e10} Name CrmPersonId';
    const stamped = await anna.api('/me/contacts').post({
      givenName: 'Stefan',
      surname: 'Stempel',
      singleValueExtendedProperties: [{ id: crmId, value: 'person-42' }],
    });
    expect(stamped).not.toHaveProperty('singleValueExtendedProperties');
    await anna.api('/me/contacts').post({ givenName: 'Ohne', surname: 'Stempel' });

    const found = await anna
      .api('/me/contacts')
      .filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${crmId}' and ep/value eq 'person-42')`)
      .expand(`singleValueExtendedProperties($filter=id eq '${crmId}')`)
      .get();
    expect(found.value).toEqual([
      expect.objectContaining({ id: stamped.id, singleValueExtendedProperties: [{ id: crmId, value: 'person-42' }] }),
    ]);

    const event = await anna.api('/me/events').post({
      subject: 'Gestempelt',
      start: { dateTime: '2026-08-01T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-08-01T11:00:00', timeZone: 'UTC' },
      singleValueExtendedProperties: [{ id: crmId, value: 'activity-7' }],
    });
    const expanded = await anna
      .api(`/me/events/${event.id}`)
      .expand(`singleValueExtendedProperties($filter=id eq '${crmId}')`)
      .get();
    expect(expanded.singleValueExtendedProperties).toEqual([{ id: crmId, value: 'activity-7' }]);
  });
});
