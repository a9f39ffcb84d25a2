import { registerOverviewSection } from '../../records/overview.ts';
import { tagsOf } from './tags.service.ts';

registerOverviewSection('tags', async (em, _principal, { type, id }) => (await tagsOf(em, type, [id])).get(id) ?? []);
