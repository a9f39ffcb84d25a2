// The backend process: configuration, database, HTTP server, signals.
import { DirectoryLockedError } from '@crm/db';
import type { MikroORM } from '@mikro-orm/core';
import { createApp } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './database.ts';
import { createLogger } from './logger.ts';
import { listen } from './server.ts';

export interface Started {
  apiUrl: string;
  stop(): Promise<void>;
}

/** Starts everything the backend needs; resolves once it listens. */
export async function startBackend(
  config: Config,
  hooks: { beforeListen?: (orm: MikroORM) => Promise<void> } = {},
): Promise<Started> {
  const logger = createLogger(config);
  const database = await openDatabase(config, logger);
  try {
    await hooks.beforeListen?.(database.orm);
    const app = createApp(config, { orm: database.orm, logger });
    const running = await listen(app, { host: config.host, port: config.port, logger });
    logger.info({ url: running.url }, 'API listening');
    let stopping: Promise<void> | undefined;
    return {
      apiUrl: `${config.publicUrl ?? running.url}/api`,
      stop() {
        stopping ??= (async () => {
          const inTime = await running.shutdown(config.shutdownTimeoutMs);
          logger.info({ inTime }, 'HTTP server closed');
          await database.close();
          logger.info('database closed');
          logger.flush();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Exit on SIGTERM/SIGINT after a graceful stop; a second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>, timeoutMs: number): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130);
    signalled = true;
    process.stderr.write(`${signal} received, shutting down…\n`);
    // A hard bound on the whole stop, database included.
    setTimeout(() => process.exit(0), timeoutMs + 2_000).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${(error as Error).stack ?? String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Prints a start-up failure a person can act on, without a stack for the expected ones. */
export function reportStartFailure(error: unknown): never {
  if (error instanceof ConfigError || error instanceof DirectoryLockedError) {
    process.stderr.write(`${error.message}\n`);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(`${(error as Error).message}: the port is taken; set PORT to a free port.\n`);
  } else {
    process.stderr.write(`Start-up failed: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
}

const isEntryPoint = import.meta.url === `file://${process.argv[1]}`;
if (isEntryPoint) {
  try {
    const config = loadConfig();
    const started = await startBackend(config);
    // Signals are handled before anyone is told we listen: a supervisor may stop us right away.
    stopOnSignals(started.stop, config.shutdownTimeoutMs);
    process.stdout.write(`CRM API listening on ${started.apiUrl} (OpenAPI: ${started.apiUrl}/openapi.json)\n`);
  } catch (error) {
    reportStartFailure(error);
  }
}
