import { z } from 'zod';

export const HealthSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string(),
    uptimeSeconds: z.number(),
  })
  .meta({ id: 'Health' });

export const ReadinessCheckSchema = z.enum(['ok', 'failing']);

export const ReadinessSchema = z
  .object({
    status: z.literal('ready'),
    checks: z.object({ database: ReadinessCheckSchema, migrations: ReadinessCheckSchema }),
  })
  .meta({ id: 'Readiness' });

export type Health = z.infer<typeof HealthSchema>;
export type Readiness = z.infer<typeof ReadinessSchema>;
