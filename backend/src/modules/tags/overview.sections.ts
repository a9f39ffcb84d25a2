import type { OverviewSection } from '../../records/overview.ts';
import { tagsOf } from './tags.service.ts';

export const tagsOverview: OverviewSection = async (em, _principal, { type, id }) =>
  (await tagsOf(em, type, [id])).get(id) ?? [];
