// The backend's background work: startBackendJobs starts the job runtime for a process with the
// jobs and periodic work its modules list (see app.ts, CRM_MODULES).
import type { MikroORM } from '@mikro-orm/core';
import type { Config } from '../config.ts';
import { GraphGateway } from '../graph/graph-gateway.ts';
import type { Logger } from '../logger.ts';
import type { Wiring } from '../modules/wiring.ts';
import { setJobServices } from './job-services.ts';
import { type JobRuntime, startJobRuntime } from './runtime.ts';

export function startBackendJobs(
  orm: MikroORM,
  options: {
    config: Config;
    logger: Logger;
    clientUrl: string;
    poolMax: number;
    wiring: Pick<Wiring, 'jobs' | 'periodics'>;
  },
): Promise<JobRuntime> {
  const { config } = options;
  setJobServices(orm, { config, logger: options.logger, graph: new GraphGateway(config.entra) });
  return startJobRuntime(orm, {
    connectionString: options.clientUrl,
    poolMax: options.poolMax,
    work: config.role !== 'api',
    pollSeconds: config.jobs.pollSeconds,
    expireSeconds: config.jobs.expireSeconds,
    batchSize: config.jobs.batchSize,
    logger: options.logger,
    jobs: options.wiring.jobs,
    periodics: options.wiring.periodics,
  });
}
