// Dashboards (R1, R2) from the API: the viewer's and the company's (or the default), saving one,
// publishing it, and each widget's figures with the widget's filters.
import type {
  CreateDashboardInput,
  Dashboard,
  DashboardList,
  UpdateDashboardInput,
  Widget,
  WidgetData,
} from '@crm/backend/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useSession } from '../session.tsx';
import { useApiQuery } from './queries.ts';

const LIST = '/v1/dashboards';

export const useDashboards = () => useApiQuery<DashboardList>(LIST);

/** A widget's figures: its type and filters make the query (and the cache key). */
export function useWidgetData(widget: Widget) {
  const { filters } = widget;
  return useApiQuery<WidgetData>(`/v1/dashboards/widgets/${encodeURIComponent(widget.type)}`, {
    pipelineId: filters.pipelineId,
    ownerId: filters.ownerId,
    from: filters.from,
    to: filters.to,
    personal: filters.personal ? 'true' : undefined,
  });
}

/** Creates a dashboard of one's own, or saves one's changes (If-Match its version). */
export function useSaveDashboard() {
  const { api } = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (
      save: { id: null; input: CreateDashboardInput } | { id: string; version: number; input: UpdateDashboardInput },
    ) =>
      save.id === null
        ? (await api.post<Dashboard>(LIST, save.input)).body
        : (await api.patch<Dashboard>(`${LIST}/${encodeURIComponent(save.id)}`, save.input, `"${save.version}"`)).body,
    onSettled: () => client.invalidateQueries({ queryKey: [LIST] }),
  });
}

/** Publishes one's dashboard for the whole company, or withdraws it (admins). */
export function usePublishDashboard() {
  const { api } = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, publish }: { id: string; publish: boolean }) =>
      (await api.post<Dashboard>(`${LIST}/${encodeURIComponent(id)}/${publish ? 'publish' : 'unpublish'}`, {})).body,
    onSettled: () => client.invalidateQueries({ queryKey: [LIST] }),
  });
}

export function useDeleteDashboard() {
  const { api } = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, version }: { id: string; version: number }) =>
      api.request('DELETE', `${LIST}/${encodeURIComponent(id)}`, { headers: { 'If-Match': `"${version}"` } }),
    onSettled: () => client.invalidateQueries({ queryKey: [LIST] }),
  });
}
