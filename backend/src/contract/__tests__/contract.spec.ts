// The contract front ends import: safe to bundle for a browser, and complete (every schema the
// OpenAPI document names is in it).

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as contract from '@crm/backend/contract';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { globalRegistry, ZodType } from 'zod';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

/** Packages the contract may reach: they run in a browser. Anything else fails the test. */
const BROWSER_SAFE = ['zod', 'libphonenumber-js'];

/**
 * Schemas the API names that are still written inside routes files, so front ends cannot import
 * them yet. Each moves into its module's `*.schemas.ts` (and off this list); nothing joins it.
 */
const NOT_YET_IN_CONTRACT = new Set([
  ...['ActivityTypeList', 'LoggedCall', 'FollowUpTask'], // activities.routes.ts
  ...['RequiredFields', 'CustomFieldList'], // custom-fields.routes.ts
  ...['DocumentHistoryPage', 'TrashedDocumentsPage'], // documents.routes.ts
  ...['TeamList', 'ConsentUrl', 'SetupResult'], // identity.routes.ts, setup.routes.ts
  ...['MailFilings', 'MailsPage'], // mail.routes.ts
  'NotificationsMarked', // notifications.routes.ts
  ...['AddRecordPerson', 'RecordPeople', 'RecordPerson'], // record-people.routes.ts
  ...['HistoryPage', 'HistoryItem', 'Overview', 'TrashPage', 'TrashItem'], // records.routes.ts
  ...['RelationType', 'RelationTypeList', 'CreateRelationType', 'UpdateRelationType'], // relations.routes.ts
  ...['Relation', 'RelationList', 'CreateRelation', 'RecordRef'], // relations.routes.ts
  ...['PipelineList', 'LostReasonList', 'DealStageChanges', 'SavedFilterList'], // sales/*.routes.ts
  'TagList', // tags.routes.ts
  ...['TaskHistoryPage', 'TaskHistoryItem'], // tasks.routes.ts
]);

const execFileAsync = promisify(execFile);

/** Bundles the contract as the add-in does (in a process of its own): the packages it reaches, its code. */
async function bundleContract(): Promise<{ packages: string[]; code: string }> {
  const script = fileURLToPath(new URL('./bundle-contract.ts', import.meta.url));
  const { stdout } = await execFileAsync(process.execPath, [script], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as { packages: string[]; code: string };
}

/** The ids (`.meta({ id })`) of every schema within these values, nested ones included. */
function namedSchemasWithin(values: unknown[]): Set<string> {
  const ids = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 40 || value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    if (value instanceof ZodType) {
      const id = globalRegistry.get(value)?.id;
      if (id !== undefined) ids.add(id);
      visit(value._zod.def, depth + 1);
      return;
    }
    for (const nested of Object.values(value)) visit(nested, depth + 1);
  };
  for (const value of values) visit(value, 0);
  return ids;
}

describe('the API contract (@crm/backend/contract)', () => {
  it('reaches no server-only package, so a browser can bundle it', async () => {
    const { packages, code } = await bundleContract();
    const serverOnly = packages.filter((name) => !BROWSER_SAFE.includes(name));
    expect(serverOnly).toEqual([]);
    expect(code).toContain('ProblemSchema');
    // Node's globals break a browser bundle just as an import of node: would.
    expect(code).not.toMatch(/\b(Buffer|process|__dirname|require)\s*[.(]/);
  });

  describe('beside the running API', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(async () => {
      await t.close();
    });

    it('holds every schema the OpenAPI document names', async () => {
      const res = await t.http.get('/api/openapi.json');
      const named = Object.keys(res.body.components.schemas as Record<string, unknown>);
      const inContract = namedSchemasWithin(Object.values(contract));
      inContract.add('Problem');
      // zod-openapi names a schema's answer form `<id>Output` where it differs from what is sent.
      const missing = named.filter(
        (id) => !inContract.has(id) && !inContract.has(id.replace(/Output$/, '')) && !NOT_YET_IN_CONTRACT.has(id),
      );
      expect(missing).toEqual([]);
      // A schema that moved into the contract leaves the list above.
      expect([...NOT_YET_IN_CONTRACT].filter((id) => inContract.has(id))).toEqual([]);
    });
  });
});
