// Absences that begin while nobody touches a task: once a minute, each tenant with an absence
// under way whose tasks were not handed over yet hands them to the substitute (set-based and
// idempotent, so a second worker or a rerun changes nothing).
import { handOverStartedAbsences, tenantsWithAbsencesToHandOver } from '../modules/tasks/tasks.service.ts';
import { definePeriodic } from './registry.ts';

export const ABSENCE_HANDOVER = 'absence-handover';

export const absenceHandoverPeriodic = definePeriodic(
  ABSENCE_HANDOVER,
  60,
  async (em) => {
    await handOverStartedAbsences(em);
  },
  { tenants: tenantsWithAbsencesToHandOver },
);
