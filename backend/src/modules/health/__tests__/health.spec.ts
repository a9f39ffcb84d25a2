import { ormOptions } from '@crm/db';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MikroORM } from '@mikro-orm/postgresql';
import supertest from 'supertest';
import { createApp } from '../../../app.ts';
import { loadConfig } from '../../../config.ts';
import { entities } from '../../../entities.ts';
import { createLogger } from '../../../logger.ts';
import { createTestApp, type TestApp } from '../../../testing/test-app.ts';

describe('health and readiness', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports the process alive', async () => {
    const res = await t.http.get('/api/health');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ status: 'ok', version: expect.any(String), uptimeSeconds: expect.any(Number) });
  });

  it('reports ready when the database answers and every migration is applied', async () => {
    const res = await t.http.get('/api/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
  });
});

describe('readiness when the database is down', () => {
  let orm: MikroORM;
  beforeAll(() => {
    // Nothing listens on port 1: every connection attempt is refused.
    orm = new MikroORM(
      ormOptions({ clientUrl: 'postgresql://crm@127.0.0.1:1/crm', entities, poolMax: 1, connectTimeoutMs: 1000 }),
    );
  });
  afterAll(async () => {
    await orm.close(true);
  });

  it('answers 503 problem+json naming the database, while liveness stays 200', async () => {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      LOG_FORMAT: 'json',
      ENTRA_CLIENT_ID: 'ce845856-9ad9-492b-b63b-33f4f6ce7418',
    });
    const http = supertest(createApp(config, { orm, logger: createLogger(config) }).callback());
    const ready = await http.get('/api/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(ready.headers['retry-after']).toBe('5');
    expect(ready.body).toMatchObject({
      type: 'urn:crm:problem:not_ready',
      status: 503,
      checks: { database: 'failing', migrations: 'failing' },
    });
    expect(ready.body.detail).toMatch(/^Not ready: the database is unreachable/);
    expect(ready.body.detail).not.toContain('127.0.0.1:1');
    expect((await http.get('/api/health')).status).toBe(200);
  });
});
