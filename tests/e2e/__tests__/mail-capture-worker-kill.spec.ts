// Automatic mail filing under a real worker process (`node backend/src/main.ts --worker-only`) killed
// with SIGKILL in the middle of a back-fill, while its Graph reads are in flight: the next worker
// resumes at the page the dead one was on, and every mail of a known address is filed exactly once.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTenantTransaction } from '../../../backend/src/http/tenancy.ts';
import { db } from '../../../backend/src/records/sql.ts';
import { eventually } from '../../../backend/src/testing/eventually.ts';
import { createTestApp, type TestApp, type TestTenant } from '../../../backend/src/testing/test-app.ts';
import type { SpawnedProcess } from '../../support/processes.ts';
import { spawnSyncWorker } from '../../support/sync-worker.ts';

/** Four delta pages of 200: the first worker dies with most of them to go. */
const MAILS = 800;
const PDF = Buffer.from('%PDF-1.4 Lieferschein').toString('base64');

describe('automatic mail filing when its worker is killed', () => {
  let t: TestApp;
  let tenant: TestTenant;
  const workers: SpawnedProcess[] = [];

  const startWorker = () => {
    const worker = spawnSyncWorker();
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    // The app sends its jobs with the workers' short expiry, so a dead worker's run comes back in seconds.
    t = await createTestApp({ env: { JOBS_EXPIRE_SECONDS: '4' } });
    tenant = await t.createTenant('Mail Kill GmbH', [{ displayName: 'Anna Admin' }]);
    const upn = tenant.upn('Anna Admin');
    const anna = await tenant.as(upn);
    const petra = await anna
      .post('/api/v1/persons')
      .send({ firstName: 'Petra', lastName: 'Lange', emails: [{ address: 'petra.lange@lange-logistik.example' }] });
    expect(petra.status).toBe(201);
    for (let n = 0; n < MAILS; n += 1) {
      await t.emulator.graph.deliverMail({
        user: upn,
        tenantId: tenant.id,
        folder: 'inbox',
        message: {
          subject: `Lieferung ${n}`,
          from: { address: 'petra.lange@lange-logistik.example', name: 'Petra Lange' },
          toRecipients: [{ address: upn }],
          body: { contentType: 'text', content: `Lieferschein ${n}` },
          internetMessageId: `<kill-${n}-${Date.now()}@lange-logistik.example>`,
          ...(n % 20 === 0
            ? { attachments: [{ name: `Lieferschein${n}.pdf`, contentType: 'application/pdf', contentBytes: PDF }] }
            : {}),
        },
      });
    }
  }, 300_000);

  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.exited()));
    await t?.close();
  });

  it('resumes after SIGKILL mid-run with every mail filed exactly once', async () => {
    const mailbox = tenant.seed.users[0]?.id as string;
    const anna = await tenant.as(tenant.upn('Anna Admin'));
    const filed = () =>
      inTenantTransaction(t.orm.em as EntityManager, tenant.id, async (em) => {
        const mails = await db(em).selectFrom('mail').select('internet_message_id').execute();
        const audits = await db(em)
          .selectFrom('mail_capture_audit')
          .select('internet_message_id')
          .where('action', '=', 'filed')
          .execute();
        const documents = await db(em).selectFrom('document').select('name').execute();
        return {
          mails: mails.length,
          distinctMails: new Set(mails.map((row) => row.internet_message_id)).size,
          audits: audits.length,
          distinctAudits: new Set(audits.map((row) => row.internet_message_id)).size,
          documents: documents.length,
          distinctDocuments: new Set(documents.map((row) => row.name)).size,
        };
      });
    const first = startWorker();
    await first.waitFor(/CRM job workers running/, 60_000);
    const connected = await anna.put('/api/v1/me/sync').send({ enabled: true });
    expect(connected.status).toBe(200);

    // Once the first page is filed, the next Graph reads are held in flight, and the worker dies.
    await eventually(filed, (count) => count.mails > 0, { timeoutMs: 120_000, what: 'a first page filed' }).catch(
      (error: unknown) => {
        throw new Error(`${(error as Error).message}\n${first.output().slice(-3000)}`);
      },
    );
    const hold = await t.emulator.graph.hold({ path: mailbox });
    await t.emulator.graph.held(hold, 1);
    first.kill('SIGKILL');
    expect(await first.exited()).toEqual({ code: null, signal: 'SIGKILL' });
    await t.emulator.graph.release(hold);
    expect((await filed()).mails).toBeLessThan(MAILS);

    const second = startWorker();
    await second.waitFor(/CRM job workers running/, 60_000);
    // The dead worker's run is taken up again once its job expires.
    const done = await eventually(filed, (count) => count.audits >= MAILS, {
      timeoutMs: 300_000,
      everyMs: 250,
      what: 'every mail filed',
    });
    expect(done).toEqual({
      mails: MAILS,
      distinctMails: MAILS,
      audits: MAILS,
      distinctAudits: MAILS,
      documents: MAILS / 20,
      distinctDocuments: MAILS / 20,
    });
  }, 600_000);
});
