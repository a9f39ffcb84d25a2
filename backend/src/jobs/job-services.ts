// What job handlers may need of their process besides the database: the configuration, the
// logger and the Graph gateway. Set once when the job runtime starts (startBackendJobs), found
// by the entity manager a handler is given (every fork shares its ORM's configuration object).
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.ts';
import type { GraphGateway } from '../graph/graph-gateway.ts';
import type { Logger } from '../logger.ts';

export interface JobServices {
  readonly config: Config;
  readonly logger: Logger;
  readonly graph: GraphGateway;
}

const services = new WeakMap<object, JobServices>();

export function setJobServices(orm: MikroORM, value: JobServices): void {
  services.set(orm.em.config, value);
}

export function jobServicesOf(em: EntityManager): JobServices {
  const found = services.get(em.config);
  if (!found) throw new Error('No job services for this ORM: startBackendJobs sets them.');
  return found;
}
