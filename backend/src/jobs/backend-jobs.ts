// The backend's background work: importing this declares every job and periodic (and registers
// the task listeners that enqueue them); startBackendJobs starts the runtime for a process.
import type { MikroORM } from '@mikro-orm/core';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { type JobRuntime, startJobRuntime } from './runtime.ts';
import './absence-handover.job.ts';
import './task-deadlines.job.ts';
import './task-reminder.job.ts';

export function startBackendJobs(
  orm: MikroORM,
  options: { config: Pick<Config, 'jobs' | 'role'>; logger: Logger; clientUrl: string; poolMax: number },
): Promise<JobRuntime> {
  const { config } = options;
  return startJobRuntime(orm, {
    connectionString: options.clientUrl,
    poolMax: options.poolMax,
    work: config.role !== 'api',
    pollSeconds: config.jobs.pollSeconds,
    expireSeconds: config.jobs.expireSeconds,
    batchSize: config.jobs.batchSize,
    logger: options.logger,
  });
}
