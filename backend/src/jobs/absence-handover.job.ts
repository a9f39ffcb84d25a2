// Absences that begin while nobody touches a task: once a minute, each tenant with an absence
// under way whose tasks were not handed over yet hands them to the substitute (set-based and
// idempotent, so a second worker or a rerun changes nothing).
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { handOverStartedAbsences } from '../modules/tasks/tasks.service.ts';
import { db } from '../records/sql.ts';
import { definePeriodic } from './registry.ts';

export const ABSENCE_HANDOVER = 'absence-handover';

/** The tenants with an absence under way whose tasks have not been handed over yet (run as the owning role). */
async function tenantsWithAbsencesToHandOver(em: EntityManager): Promise<string[]> {
  const now = sql<Date>`now()`;
  const rows = await db(em)
    .selectFrom('absence as x')
    .select('x.tenant_id')
    .distinct()
    .where('x.deleted_at', 'is', null)
    .where('x.returned_at', 'is', null)
    .where('x.starts_at', '<=', now)
    .where('x.ends_at', '>', now)
    .where('x.handed_over_at', 'is', null)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('app_user as s')
          .select('s.id')
          .whereRef('s.id', '=', 'x.substitute_id')
          .where('s.active', '=', true),
      ),
    )
    .execute();
  return rows.map((row) => row.tenant_id);
}

export const absenceHandoverPeriodic = definePeriodic(
  ABSENCE_HANDOVER,
  60,
  async (em) => {
    await handOverStartedAbsences(em);
  },
  { tenants: tenantsWithAbsencesToHandOver },
);
