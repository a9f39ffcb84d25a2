import type { RouterContext } from '@koa/router';
import { z } from 'zod';
import type { GraphGateway } from '../../graph/graph-gateway.ts';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { emOf, principalOf } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import type { ErasureServices } from '../../records/erasure-hooks.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import { tagsOf } from '../tags/tags.service.ts';
import { type Organization, Person } from './contact.entity.ts';
import {
  BusinessContactsPageSchema,
  BusinessContactViewSchema,
  ConfirmQuerySchema,
  CreateBusinessContactSchema,
  CreateOrganizationSchema,
  CreatePersonSchema,
  DuplicateCheckResultSchema,
  DuplicateCheckSchema,
  IdParamsSchema,
  ListQuerySchema,
  LookupQuerySchema,
  LookupResultSchema,
  MergeSchema,
  OrganizationsPageSchema,
  OrganizationViewSchema,
  PersonsPageSchema,
  PersonViewSchema,
  UpdateBusinessContactSchema,
  UpdateOrganizationSchema,
  UpdatePersonSchema,
} from './contacts.schemas.ts';
import {
  businessContactView,
  createBusinessContact,
  createOrganization,
  createPerson,
  getBusinessContact,
  getOrganization,
  getPerson,
  listBusinessContacts,
  listOrganizations,
  listPersons,
  organizationView,
  personView,
  purgeRecord,
  restoreRecord,
  trashRecord,
  updateBusinessContact,
  updateOrganization,
  updatePerson,
} from './contacts.service.ts';
import { checkDuplicates } from './duplicates.service.ts';
import { lookupEmails } from './lookup.service.ts';
import { mergeRecords } from './merge.service.ts';

const problem = (description: string) => ({ description });
const created = (ctx: RouterContext, path: string, version: number, body: unknown) => {
  ctx.status = 201;
  ctx.set('Location', path);
  setVersionTag(ctx, version);
  ctx.body = body;
};
const answer = (ctx: RouterContext, version: number, body: unknown) => {
  setVersionTag(ctx, version);
  ctx.body = body;
};

const writeProblems = {
  404: problem('Not found in your organisation'),
  409: problem('Likely duplicate (candidates listed); repeat with ?confirm=duplicate to save anyway'),
  412: problem('Changed meanwhile (stale If-Match)'),
  422: problem('Refers to something that does not exist'),
};

/** Trash, restore and purge routes of one record type. */
function lifecycleRoutes(
  erasure: ErasureServices,
  type: 'person' | 'organization' | 'business_contact',
  base: string,
  tag: string,
): RouteSpec[] {
  const name = type === 'business_contact' ? 'BusinessContact' : type === 'person' ? 'Person' : 'Organization';
  return [
    defineRoute({
      method: 'delete',
      path: `${base}/{id}`,
      operationId: `delete${name}`,
      summary: `Move a ${type.replace('_', ' ')} to the trash (restorable); If-Match with its ETag`,
      tags: [tag],
      params: IdParamsSchema,
      responses: { 204: { description: 'In the trash' }, 404: writeProblems[404], 412: writeProblems[412] },
      async handler(ctx, { params }) {
        await trashRecord(emOf(ctx), principalOf(ctx), type, params.id, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: `${base}/{id}/restore`,
      operationId: `restore${name}`,
      summary: `Bring a ${type.replace('_', ' ')} back from the trash, with the links trashed with it`,
      tags: [tag],
      params: IdParamsSchema,
      responses: {
        204: { description: 'Restored' },
        404: problem('Not in the trash'),
        409: problem('Restore its person or organization first'),
      },
      async handler(ctx, { params }) {
        await restoreRecord(emOf(ctx), principalOf(ctx), type, params.id);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'delete',
      path: `/api/v1/trash/${type === 'business_contact' ? 'business-contacts' : `${type}s`}/{id}`,
      operationId: `purge${name}`,
      summary: `Delete a ${type.replace('_', ' ')} in the trash for good (admin)${type === 'person' ? ': her GDPR erasure, with the mails filed only for her' : ''}`,
      tags: ['Trash'],
      params: IdParamsSchema,
      responses: { 204: { description: 'Gone' }, 403: problem('Admins only'), 404: problem('Not in the trash') },
      async handler(ctx, { params }) {
        await purgeRecord(emOf(ctx), principalOf(ctx), erasure, type, params.id);
        ctx.status = 204;
      },
    }),
  ];
}

export function contactsRoutes(store: BlobStore, graph: GraphGateway): RouteSpec[] {
  const erasure = { store, graph };
  return [
    // ---- persons
    defineRoute({
      method: 'get',
      path: '/api/v1/persons',
      operationId: 'listPersons',
      summary: 'Persons, by name, newest change or any field; cursor or offset pages, with a total on request',
      tags: ['Persons'],
      query: ListQuerySchema,
      responses: { 200: jsonResponse(PersonsPageSchema, 'A page of persons') },
      async handler(ctx, { query }) {
        const page = await listPersons(emOf(ctx), query);
        const tags = await tagsOf(
          emOf(ctx),
          'person',
          page.items.map((person) => person.id),
        );
        ctx.body = {
          items: page.items.map((person) => personView(person, tags.get(person.id))),
          nextCursor: page.nextCursor,
          ...(page.total === undefined ? {} : { total: page.total, totalCapped: page.totalCapped }),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/persons',
      operationId: 'createPerson',
      summary: 'Create a person; warns (409) about likely duplicates unless ?confirm=duplicate',
      tags: ['Persons'],
      query: ConfirmQuerySchema,
      body: CreatePersonSchema,
      responses: {
        201: jsonResponse(PersonViewSchema, 'The new person'),
        409: writeProblems[409],
        422: writeProblems[422],
      },
      async handler(ctx, { query, body }) {
        const person = await createPerson(emOf(ctx), principalOf(ctx), body, {
          confirmed: query.confirm === 'duplicate',
        });
        created(ctx, `/api/v1/persons/${person.id}`, person.version, personView(person));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/persons/{id}',
      operationId: 'getPerson',
      summary: 'One person',
      tags: ['Persons'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(PersonViewSchema, 'The person'), 404: writeProblems[404] },
      async handler(ctx, { params }) {
        const person = await getPerson(emOf(ctx), params.id);
        const tags = await tagsOf(emOf(ctx), 'person', [person.id]);
        answer(ctx, person.version, personView(person, tags.get(person.id)));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/persons/{id}',
      operationId: 'updatePerson',
      summary: 'Change a person (fields sent replace, null clears); If-Match with its ETag',
      tags: ['Persons'],
      params: IdParamsSchema,
      query: ConfirmQuerySchema,
      body: UpdatePersonSchema,
      responses: { 200: jsonResponse(PersonViewSchema, 'The changed person'), ...writeProblems },
      async handler(ctx, { params, query, body }) {
        const person = await updatePerson(emOf(ctx), principalOf(ctx), params.id, body, {
          expectedVersion: ifMatchVersion(ctx),
          confirmed: query.confirm === 'duplicate',
        });
        const tags = await tagsOf(emOf(ctx), 'person', [person.id]);
        answer(ctx, person.version, personView(person, tags.get(person.id)));
      },
    }),
    ...lifecycleRoutes(erasure, 'person', '/api/v1/persons', 'Persons'),

    // ---- organizations
    defineRoute({
      method: 'get',
      path: '/api/v1/organizations',
      operationId: 'listOrganizations',
      summary: 'Organizations, by name, newest change or any field; cursor or offset pages, with a total on request',
      tags: ['Organizations'],
      query: ListQuerySchema,
      responses: { 200: jsonResponse(OrganizationsPageSchema, 'A page of organizations') },
      async handler(ctx, { query }) {
        const page = await listOrganizations(emOf(ctx), query);
        const tags = await tagsOf(
          emOf(ctx),
          'organization',
          page.items.map((organization) => organization.id),
        );
        ctx.body = {
          items: page.items.map((organization) => organizationView(organization, tags.get(organization.id))),
          nextCursor: page.nextCursor,
          ...(page.total === undefined ? {} : { total: page.total, totalCapped: page.totalCapped }),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/organizations',
      operationId: 'createOrganization',
      summary: 'Create an organization; warns (409) about likely duplicates unless ?confirm=duplicate',
      tags: ['Organizations'],
      query: ConfirmQuerySchema,
      body: CreateOrganizationSchema,
      responses: {
        201: jsonResponse(OrganizationViewSchema, 'The new organization'),
        409: writeProblems[409],
        422: writeProblems[422],
      },
      async handler(ctx, { query, body }) {
        const organization = await createOrganization(emOf(ctx), principalOf(ctx), body, {
          confirmed: query.confirm === 'duplicate',
        });
        created(ctx, `/api/v1/organizations/${organization.id}`, organization.version, organizationView(organization));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/organizations/{id}',
      operationId: 'getOrganization',
      summary: 'One organization',
      tags: ['Organizations'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(OrganizationViewSchema, 'The organization'), 404: writeProblems[404] },
      async handler(ctx, { params }) {
        const organization = await getOrganization(emOf(ctx), params.id);
        const tags = await tagsOf(emOf(ctx), 'organization', [organization.id]);
        answer(ctx, organization.version, organizationView(organization, tags.get(organization.id)));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/organizations/{id}',
      operationId: 'updateOrganization',
      summary: 'Change an organization (fields sent replace, null clears); If-Match with its ETag',
      tags: ['Organizations'],
      params: IdParamsSchema,
      query: ConfirmQuerySchema,
      body: UpdateOrganizationSchema,
      responses: { 200: jsonResponse(OrganizationViewSchema, 'The changed organization'), ...writeProblems },
      async handler(ctx, { params, query, body }) {
        const organization = await updateOrganization(emOf(ctx), principalOf(ctx), params.id, body, {
          expectedVersion: ifMatchVersion(ctx),
          confirmed: query.confirm === 'duplicate',
        });
        const tags = await tagsOf(emOf(ctx), 'organization', [organization.id]);
        answer(ctx, organization.version, organizationView(organization, tags.get(organization.id)));
      },
    }),
    ...lifecycleRoutes(erasure, 'organization', '/api/v1/organizations', 'Organizations'),

    // ---- business contacts
    defineRoute({
      method: 'get',
      path: '/api/v1/business-contacts',
      operationId: 'listBusinessContacts',
      summary: 'Business contacts, of a person or of an organization',
      tags: ['Business contacts'],
      query: z.object({
        personId: z.uuid().optional(),
        organizationId: z.uuid().optional(),
        limit: ListQuerySchema.shape.limit,
        cursor: ListQuerySchema.shape.cursor,
      }),
      responses: { 200: jsonResponse(BusinessContactsPageSchema, 'A page of business contacts') },
      async handler(ctx, { query }) {
        const page = await listBusinessContacts(emOf(ctx), query);
        ctx.body = { items: page.items.map(businessContactView), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/business-contacts',
      operationId: 'createBusinessContact',
      summary: 'Join a person to an organization with work email, phone, position and department',
      tags: ['Business contacts'],
      body: CreateBusinessContactSchema,
      responses: { 201: jsonResponse(BusinessContactViewSchema, 'The new business contact'), 422: writeProblems[422] },
      async handler(ctx, { body }) {
        const contact = await createBusinessContact(emOf(ctx), principalOf(ctx), body);
        created(ctx, `/api/v1/business-contacts/${contact.id}`, contact.version, businessContactView(contact));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/business-contacts/{id}',
      operationId: 'getBusinessContact',
      summary: 'One business contact',
      tags: ['Business contacts'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(BusinessContactViewSchema, 'The business contact'), 404: writeProblems[404] },
      async handler(ctx, { params }) {
        const contact = await getBusinessContact(emOf(ctx), params.id);
        answer(ctx, contact.version, businessContactView(contact));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/business-contacts/{id}',
      operationId: 'updateBusinessContact',
      summary: 'Change a business contact; If-Match with its ETag',
      tags: ['Business contacts'],
      params: IdParamsSchema,
      body: UpdateBusinessContactSchema,
      responses: {
        200: jsonResponse(BusinessContactViewSchema, 'The changed business contact'),
        404: writeProblems[404],
        412: writeProblems[412],
      },
      async handler(ctx, { params, body }) {
        const contact = await updateBusinessContact(emOf(ctx), principalOf(ctx), params.id, body, ifMatchVersion(ctx));
        answer(ctx, contact.version, businessContactView(contact));
      },
    }),
    ...lifecycleRoutes(erasure, 'business_contact', '/api/v1/business-contacts', 'Business contacts'),

    // ---- duplicates and lookup
    defineRoute({
      method: 'post',
      path: '/api/v1/duplicates/check',
      operationId: 'checkDuplicates',
      summary: 'Ranked candidates that may be the same person or organization as the draft',
      tags: ['Duplicates'],
      body: DuplicateCheckSchema,
      responses: { 200: jsonResponse(DuplicateCheckResultSchema, 'Candidates, best first') },
      async handler(ctx, { body }) {
        ctx.body = { candidates: await checkDuplicates(emOf(ctx), body) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/duplicates/merge',
      operationId: 'mergeDuplicates',
      summary: "Merge a duplicate into a surviving record of the same type; If-Match with the survivor's ETag",
      tags: ['Duplicates'],
      body: MergeSchema,
      responses: {
        200: jsonResponse(z.union([PersonViewSchema, OrganizationViewSchema]), 'The surviving record'),
        404: writeProblems[404],
        409: problem('Merging a record with itself'),
        412: writeProblems[412],
      },
      async handler(ctx, { body }) {
        const survivor = await mergeRecords(emOf(ctx), principalOf(ctx), body, ifMatchVersion(ctx));
        answer(
          ctx,
          survivor.version,
          survivor instanceof Person ? personView(survivor) : organizationView(survivor as Organization),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/lookup',
      operationId: 'lookupEmails',
      summary: 'Persons, organizations and business contacts owning each email address (case-insensitive)',
      tags: ['Duplicates'],
      query: LookupQuerySchema,
      responses: { 200: jsonResponse(LookupResultSchema, 'One item per address asked for') },
      async handler(ctx, { query }) {
        ctx.body = { items: await lookupEmails(emOf(ctx), query.email) };
      },
    }),
  ];
}
