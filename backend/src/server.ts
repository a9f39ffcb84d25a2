// Listening and graceful shutdown: stop accepting, let in-flight requests finish, then return.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { Logger } from './logger.ts';

export interface RunningServer {
  readonly server: Server;
  /** Base URL of the listener, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  readonly port: number;
  /**
   * Stops accepting connections and waits for in-flight requests, at most `timeoutMs`;
   * after that, remaining connections are cut. Resolves `true` when everything finished in time.
   */
  shutdown(timeoutMs: number): Promise<boolean>;
}

export async function listen(
  app: Koa,
  options: { host: string; port: number; logger: Logger },
): Promise<RunningServer> {
  const server = createServer(app.callback());
  // Longer than typical load balancer idle timeouts, so they close first.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  let closing: Promise<boolean> | undefined;
  return {
    server,
    port,
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    shutdown(timeoutMs) {
      closing ??= new Promise<boolean>((resolve) => {
        let timedOut = false;
        // Idle keep-alive connections would hold close() open; busy ones become idle when their response ends.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const deadline = setTimeout(() => {
          timedOut = true;
          options.logger.warn({ timeoutMs }, 'shutdown timeout: closing remaining connections');
          server.closeAllConnections();
        }, timeoutMs);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(deadline);
          resolve(!timedOut);
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
