// Walks every route the OpenAPI document lists and calls it as tenant B with tenant A's ids.
// A route added later is covered without anyone remembering to add it here.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sample } from 'openapi-sampler';
import { inTenantTransaction } from '../http/tenancy.ts';
import { notify } from '../modules/notifications/outbox.ts';
import { RECORD_TYPES } from '../records/record-types.ts';
import { createTestApp, type TestApp, type TestTenant } from '../testing/test-app.ts';

interface Operation {
  operationId: string;
  parameters?: { in: string; name: string }[];
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: unknown }> };
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

describe('tenant isolation across every route', () => {
  let t: TestApp;
  let contoso: TestTenant;
  let fabrikam: TestTenant;
  let document: OpenApi;
  /** Everything of Contoso's that must never reach Fabrikam. */
  const secrets: string[] = [];
  let contosoPerson = '';
  const contosoMessageId = '<geheim-1@geheim-schmitt.de>';

  beforeAll(async () => {
    t = await createTestApp();
    contoso = await t.createTenant('Contoso Isolation GmbH', [
      { displayName: 'Anna Schmidt' },
      { displayName: 'Björn Müller' },
    ]);
    fabrikam = await t.createTenant('Fabrikam Isolation AG', [{ displayName: 'Zoë Bäcker' }]);
    const anna = await contoso.as(contoso.upn('Anna Schmidt'));
    const bjoern = await contoso.userId(contoso.upn('Björn Müller'));
    const team = await anna.post('/api/v1/admin/teams').send({ name: 'Vertrieb Nord', memberIds: [bjoern] });
    expect(team.status).toBe(201);
    // A record of every kind, so that every route has something of Contoso's to be asked for.
    const created = async (path: string, body: object) => {
      const res = await anna.post(path).send(body);
      expect({ path, status: res.status }).toEqual({ path, status: 201 });
      return res.body.id as string;
    };
    const person = await created('/api/v1/persons', {
      firstName: 'Gerlinde',
      lastName: 'Geheimnisträger',
      emails: [{ address: 'gerlinde@geheim-schmitt.de' }],
    });
    contosoPerson = person;
    const organization = await created('/api/v1/organizations', { name: 'Geheimbäckerei Schmitt GmbH' });
    const businessContact = await created('/api/v1/business-contacts', {
      personId: person,
      organizationId: organization,
      email: 'einkauf@geheim-schmitt.de',
    });
    const tag = await created('/api/v1/tags', { name: 'Geheimkunde' });
    expect((await anna.put(`/api/v1/records/person/${person}/tags/${tag}`)).status).toBe(204);
    const field = await created('/api/v1/admin/custom-fields', {
      entityType: 'person',
      key: 'geheimfeld',
      labels: { de: 'Geheimfeld', en: 'Secret field' },
      type: 'text',
    });
    const types = (await anna.get('/api/v1/relation-types')).body.items as { id: string }[];
    const relation = await created('/api/v1/relations', {
      typeId: types[0]?.id,
      from: { type: 'person', id: person },
      to: { type: 'organization', id: organization },
    });
    const onRecord = await created(`/api/v1/records/organization/${organization}/people`, { userId: bjoern });
    const activityType = await created('/api/v1/activity-types', {
      name: 'Geheimtreffen',
      color: '#123456',
      icon: 'lock',
    });
    const activity = await created('/api/v1/activities', {
      typeId: activityType,
      subject: 'Geheimbesuch',
      startsAt: '2026-11-24T09:30:00+01:00',
      links: [{ type: 'person', id: person }],
    });
    const note = await created('/api/v1/notes', {
      body: { format: 'markdown', body: 'Geheimprotokoll' },
      links: [{ type: 'organization', id: organization }],
      activityId: activity,
    });
    const comment = await created(`/api/v1/records/person/${person}/comments`, {
      body: `Geheimsache @[Björn](user:${bjoern})`,
    });
    const pipeline = await anna.post('/api/v1/pipelines').send({
      name: 'Geheimpipeline',
      kind: 'deal',
      stages: [
        { name: 'Geheimstufe', probability: 20 },
        { name: 'Gewonnen', probability: 100, outcome: 'won' },
      ],
    });
    expect(pipeline.status).toBe(201);
    secrets.push(pipeline.body.id, pipeline.body.stages[0].id, 'Geheimpipeline', 'Geheimstufe');
    const lostReason = await created('/api/v1/lost-reasons', { objectType: 'deal', name: 'Geheimgrund' });
    secrets.push(lostReason, 'Geheimgrund');
    const deal = await created('/api/v1/deals', {
      title: 'Geheimauftrag',
      value: '4711.00',
      organizationId: organization,
      stageId: pipeline.body.stages[0].id,
    });
    expect((await anna.put(`/api/v1/records/deal/${deal}/tags/${tag}`)).status).toBe(204);
    secrets.push(deal, 'Geheimauftrag', '4711.00');
    const savedFilter = await created('/api/v1/saved-filters', {
      name: 'Geheimansicht',
      entityType: 'deal',
      scope: 'company',
      filter: { field: 'title', op: 'contains', value: 'Geheim' },
    });
    secrets.push(savedFilter, 'Geheimansicht');
    const [notification] = await inTenantTransaction(t.orm.em as EntityManager, contoso.id, async (em) =>
      notify(em, {
        recipientId: await contoso.userId(contoso.upn('Anna Schmidt')),
        kind: 'mention',
        payload: { text: 'Geheimnachricht' },
        idempotencyKey: 'isolation:mention',
      }),
    );
    secrets.push(notification ?? '', 'Geheimnachricht');
    const template = await created(
      `/api/v1/pipelines/${pipeline.body.id}/stages/${pipeline.body.stages[0].id}/task-templates`,
      { title: 'Geheimvorlage', assigneeRule: 'deal_owner', required: true },
    );
    secrets.push(template, 'Geheimvorlage');
    const lead = await created('/api/v1/leads', {
      title: 'Geheimanfrage',
      firstName: 'Leander',
      lastName: 'Geheimkontakt',
      email: 'leander@geheim-lead.de',
      companyName: 'Geheimfirma Lead GmbH',
    });
    expect((await anna.put(`/api/v1/records/lead/${lead}/tags/${tag}`)).status).toBe(204);
    const converted = await created('/api/v1/leads', { title: 'Geheimumwandlung', companyName: 'Geheimwandel KG' });
    expect((await anna.post(`/api/v1/leads/${converted}/convert`).send({})).status).toBe(200);
    secrets.push(lead, converted, 'Geheimanfrage', 'Geheimkontakt', 'geheim-lead.de', 'Geheimumwandlung');
    const selection = await created('/api/v1/prospect-selections', {
      name: 'Geheimauswahl',
      filter: { field: 'name', op: 'contains', value: 'Geheim' },
    });
    secrets.push(selection, 'Geheimauswahl');
    secrets.push(contoso.id, await contoso.userId(contoso.upn('Anna Schmidt')), bjoern, team.body.id);
    secrets.push(person, organization, businessContact, tag, field, relation, onRecord, types[0]?.id ?? '');
    secrets.push(
      activityType,
      activity,
      note,
      comment,
      'Geheimtreffen',
      'Geheimbesuch',
      'Geheimprotokoll',
      'Geheimsache',
    );
    const prerequisite = await created('/api/v1/tasks', { title: 'Geheimvorbereitung' });
    const task = await created('/api/v1/tasks', {
      title: 'Geheimaufgabe',
      assigneeId: bjoern,
      dueAt: '2026-12-01T10:00:00+01:00',
      links: [{ type: 'person', id: person }],
    });
    expect((await anna.post(`/api/v1/tasks/${task}/dependencies`).send({ taskId: prerequisite })).status).toBe(200);
    const absence = await created('/api/v1/me/absences', {
      from: '2030-01-01T08:00:00+01:00',
      to: '2030-01-15T18:00:00+01:00',
      substituteId: bjoern,
    });
    secrets.push(task, prerequisite, absence, 'Geheimaufgabe', 'Geheimvorbereitung');
    // Documents, a filed mail with an attachment, a draft's links, a record's reference.
    const uploaded = async (name: string) => {
      const res = await anna
        .post(`/api/v1/records/person/${person}/documents`)
        .attach('file', Buffer.from(`%PDF-1.4\n(${name})\n%%EOF`), name);
      expect({ name, status: res.status }).toEqual({ name, status: 201 });
      return res.body.id as string;
    };
    const contract = await uploaded('Geheimvertrag.pdf');
    const trashed = await uploaded('Geheimakte.pdf');
    expect((await anna.delete(`/api/v1/documents/${trashed}`)).status).toBe(204);
    const mail = await created('/api/v1/mails', {
      internetMessageId: contosoMessageId,
      conversationId: 'AAQkADgeheim',
      subject: 'Geheimsache Angebot',
      from: { address: 'Gerlinde <gerlinde@geheim-schmitt.de>' },
      bodyText: 'Geheimsache',
      attachments: [
        {
          name: 'Geheimpreise.pdf',
          contentType: 'application/pdf',
          isInline: false,
          contentBase64: Buffer.from('%PDF-1.4\n%%EOF').toString('base64'),
        },
      ],
      links: [{ type: 'person', id: person }],
    });
    const trackingId = randomUUID();
    expect(
      (await anna.post('/api/v1/mail-links').send({ trackingId, links: [{ type: 'organization', id: organization }] }))
        .status,
    ).toBe(201);
    expect((await anna.get(`/api/v1/records/person/${person}/reference`)).status).toBe(200);
    secrets.push(contract, trashed, mail, trackingId, 'Geheimvertrag', 'Geheimakte', 'Geheimsache', 'Geheimpreise');
    secrets.push(...contoso.seed.users.map((user) => user.id), 'Vertrieb Nord', 'Björn Müller', 'Anna Schmidt');
    secrets.push('Geheimnisträger', 'Geheimbäckerei', 'Geheimkunde', 'geheimfeld', 'geheim-schmitt.de');
    document = (await t.http.get('/api/openapi.json')).body;
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  const protectedOperations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => !(Array.isArray(operation.security) && operation.security.length === 0))
        .map(([method, operation]) => ({
          path,
          method: method as 'get' | 'post' | 'put' | 'patch' | 'delete',
          operation,
        })),
    );

  /** Query values that would find Contoso's records, for the list and search routes. */
  const queryFor = (operation: Operation) => {
    const known: Record<string, string> = {
      q: 'Geheim',
      email: 'gerlinde@geheim-schmitt.de,einkauf@geheim-schmitt.de',
      type: 'person',
      id: contosoPerson,
      entityType: 'person',
      record: `person:${contosoPerson}`,
      from: '2026-11-01',
      to: '2026-11-30',
      internetMessageId: contosoMessageId,
    };
    return (operation.parameters ?? [])
      .filter((parameter) => parameter.in === 'query' && known[parameter.name] !== undefined)
      .map((parameter) => `${parameter.name}=${encodeURIComponent(known[parameter.name] as string)}`)
      .join('&');
  };

  const bodyFor = (operation: Operation) => {
    const schema = operation.requestBody?.content['application/json']?.schema;
    return schema ? sample(schema as object, { skipReadOnly: true }, document) : undefined;
  };

  it('covers the routes of every module', () => {
    const ids = protectedOperations().map(({ operation }) => operation.operationId);
    expect(ids).toEqual(
      expect.arrayContaining([
        'getMe',
        'listUsers',
        'updateUser',
        'getTeam',
        'deleteTeam',
        'getPerson',
        'mergeDuplicates',
        'getOverview',
        'tagRecord',
        'listRelations',
        'lookupEmails',
        'search',
        'getActivity',
        'logCall',
        'getNote',
        'listComments',
        'updateComment',
        'getTimeline',
        'getTask',
        'setTaskDependencies',
        'updateUserAbsence',
        'getPipeline',
        'archiveStage',
        'updateLostReason',
        'updateDeal',
        'purgeDeal',
        'getBoard',
        'moveDeal',
        'updateSavedFilter',
        'uploadDocument',
        'downloadDocument',
        'fileMail',
        'getMail',
        'unfileMail',
        'getDraftLinks',
        'getRecordReference',
        'listMyNotifications',
        'markMyNotificationRead',
        'listNotifications',
        'updateStageTaskTemplate',
        'updatePipelineAutomation',
        'updateLead',
        'convertLead',
        'moveLead',
        'updateLeadFieldMapping',
        'exportProspectSelection',
        'listProspectSelectionOrganizations',
      ]),
    );
  });

  it("never answers tenant B's request for tenant A's records with A's data", async () => {
    const asFabrikam = await fabrikam.as(fabrikam.upn('Zoë Bäcker'));
    const ids = secrets.filter((secret) => /^[0-9a-f-]{36}$/.test(secret));
    const outcomes: string[] = [];
    for (const { path, method, operation } of protectedOperations()) {
      const params = path.match(/\{\w+\}/g) ?? [];
      if (params.length === 0 && method !== 'get') continue; // creating in one's own tenant is allowed
      // A record type where the path wants one, Contoso's ids everywhere else.
      const typed = path.includes('{type}') ? RECORD_TYPES.map((type) => path.replace('{type}', type)) : [path];
      const targets =
        params.length === 0
          ? [`${path}?${queryFor(operation)}`]
          : typed.flatMap((typedPath) => ids.map((id) => typedPath.replace(/\{\w+\}/g, id)));
      for (const target of targets) {
        const request = asFabrikam[method](target);
        const body = bodyFor(operation);
        const res = await (body === undefined ? request : request.send(body as object));
        const where = `${method.toUpperCase()} ${target} (${operation.operationId}) answered ${res.status}`;
        // An id the caller sent may be echoed back; anything else of Contoso's is a leak.
        for (const secret of secrets.filter((secret) => !target.includes(secret))) {
          if (res.text.includes(secret)) throw new Error(`${where} and leaked ${secret}: ${res.text}`);
        }
        if (params.length > 0) {
          // Validation may refuse a sampled body first; the record itself must be not found or forbidden.
          expect({ where, ok: [400, 403, 404, 422].includes(res.status) }).toEqual({ where, ok: true });
        } else {
          expect({ where, ok: res.status < 500 }).toEqual({ where, ok: true });
        }
        outcomes.push(`${res.status}`);
      }
    }
    // Most calls must get as far as looking the record up.
    expect(outcomes.filter((status) => status === '404' || status === '403').length).toBeGreaterThan(
      outcomes.length / 2,
    );
    // Thousands of requests (every route × every id); the default 30 s is too short on a busy machine.
  }, 300_000);
});
