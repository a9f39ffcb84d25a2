// The backend process: configuration, database, HTTP server, signals.
import { DirectoryLockedError } from '@crm/db';
import type { MikroORM } from '@mikro-orm/core';
import { createApp, wireModules } from './app.ts';
import { type Config, ConfigError, loadConfig, roleFromArguments } from './config.ts';
import { openDatabase } from './database.ts';
import { startBackendJobs } from './jobs/backend-jobs.ts';
import type { JobRuntime } from './jobs/runtime.ts';
import { createLogger } from './logger.ts';
import { type BotDeliveryWorker, startBotDelivery } from './modules/bot/bot.delivery.ts';
import { botSettingsFrom } from './modules/bot/bot.settings.ts';
import { wired } from './modules/wiring.ts';
import { listen, type RunningServer } from './server.ts';

export interface Started {
  /** Where the API answers; undefined in a worker-only process. */
  apiUrl: string | undefined;
  stop(): Promise<void>;
}

/**
 * Starts what the configured role needs — the HTTP API, the job workers, or both — and resolves
 * once it runs. Every role starts the job runtime: requests enqueue jobs.
 */
export async function startBackend(
  config: Config,
  hooks: { beforeListen?: (orm: MikroORM) => Promise<void> } = {},
): Promise<Started> {
  const logger = createLogger(config);
  // Before anything runs: worker processes and the demo data need the modules' hooks too.
  const wiring = wireModules();
  const database = await openDatabase(config, logger);
  let jobs: JobRuntime | undefined;
  let running: RunningServer | undefined;
  let bot: BotDeliveryWorker | undefined;
  try {
    jobs = await startBackendJobs(database.orm, {
      config,
      logger,
      clientUrl: database.clientUrl,
      poolMax: database.jobsPoolMax,
      wiring,
    });
    await hooks.beforeListen?.(database.orm);
    if (config.role !== 'api') {
      bot = startBotDelivery({ orm: database.orm, logger, settings: botSettingsFrom(config) });
    }
    if (config.role !== 'worker') {
      const app = createApp(config, { orm: database.orm, logger });
      running = await listen(app, { host: config.host, port: config.port, logger });
      logger.info({ url: running.url }, 'API listening');
    }
  } catch (error) {
    await bot?.stop();
    await jobs?.stop();
    await database.close();
    throw error;
  }
  const server = running;
  const runtime = jobs;
  let stopping: Promise<void> | undefined;
  return {
    apiUrl: server ? `${config.publicUrl ?? server.url}/api` : undefined,
    stop() {
      stopping ??= (async () => {
        // Requests still running may enqueue jobs: the runtime stops after them.
        if (server) {
          const inTime = await server.shutdown(config.shutdownTimeoutMs);
          logger.info({ inTime }, 'HTTP server closed');
        }
        await bot?.stop();
        await runtime.stop(config.shutdownTimeoutMs);
        logger.info('job runtime stopped');
        await database.close();
        logger.info('database closed');
        logger.flush();
      })();
      return stopping;
    },
  };
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
    const loaded = loadConfig();
    const config = { ...loaded, role: roleFromArguments(process.argv.slice(2), loaded.role) };
    const started = await startBackend(config);
    // Signals are handled before anyone is told we listen: a supervisor may stop us right away.
    stopOnSignals(started.stop, config.shutdownTimeoutMs);
    if (started.apiUrl) {
      process.stdout.write(`CRM API listening on ${started.apiUrl} (OpenAPI: ${started.apiUrl}/openapi.json)\n`);
    }
    if (config.role !== 'api') {
      const names = [...wired().jobs, ...wired().periodics].map((definition) => definition.name);
      process.stdout.write(`CRM job workers running (${names.join(', ')})\n`);
    }
  } catch (error) {
    reportStartFailure(error);
  }
}
