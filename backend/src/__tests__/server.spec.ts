import { request } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import Koa from 'koa';
import { createLogger } from '../logger.ts';
import { listen, type RunningServer } from '../server.ts';

const logger = createLogger({ logLevel: 'silent', logFormat: 'json' });

function get(url: string, agent = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: agent ? undefined : false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An app whose /slow request takes `ms` and reports when it has begun. */
function slowApp(ms: number) {
  let began: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    began = resolve;
  });
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.path === '/slow') {
      began();
      await new Promise((resolve) => setTimeout(resolve, ms).unref());
    }
    ctx.body = 'done';
  });
  return { app, started };
}

describe('graceful shutdown', () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.shutdown(100);
  });

  it('lets a request in flight finish, then refuses new connections', async () => {
    const { app, started } = slowApp(400);
    running = await listen(app, { host: '127.0.0.1', port: 0, logger });
    const inFlight = get(`${running.url}/slow`);
    await started;
    const shutdown = running.shutdown(5_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(get(`${running.url}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(inFlight).resolves.toEqual({ status: 200, body: 'done' });
    await expect(shutdown).resolves.toBe(true);
  });

  it('closes idle keep-alive connections at once', async () => {
    const { app } = slowApp(0);
    running = await listen(app, { host: '127.0.0.1', port: 0, logger });
    await get(`${running.url}/`, true);
    const began = Date.now();
    await expect(running.shutdown(5_000)).resolves.toBe(true);
    expect(Date.now() - began).toBeLessThan(1_000);
  });

  it('cuts requests that outlive the timeout and still finishes', async () => {
    const { app, started } = slowApp(30_000);
    running = await listen(app, { host: '127.0.0.1', port: 0, logger });
    const inFlight = get(`${running.url}/slow`).catch((error: NodeJS.ErrnoException) => error.code);
    await started;
    const began = Date.now();
    await expect(running.shutdown(200)).resolves.toBe(false);
    expect(Date.now() - began).toBeLessThan(2_000);
    await expect(inFlight).resolves.toBe('ECONNRESET');
  });
});
