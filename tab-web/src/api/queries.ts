// Server state through TanStack Query: one hook per thing a page shows, keyed by what it asks and
// the language it is said in. Types come from the API contract; the Api client adds the token.
import type {
  Attention,
  CreateSavedFilterInput,
  CustomField,
  FavouriteLists,
  FilterNode,
  ListSettings,
  Me,
  MyTasks,
  RecordPageSettings,
  Relation,
  RelationType,
  SavedFilter,
  SearchResult,
  StoredFavouriteLists,
  StoredListSettings,
  StoredRecordPageSettings,
  Tag,
} from '@crm/backend/contract';
import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../web-shared/api-client.ts';
import { useSession } from '../session.tsx';

export type Overview = Record<string, unknown> & { type: string; id: string };

/** A GET of the API as a query: cached per path, query and language. */
export function useApiQuery<T>(
  path: string,
  query?: Record<string, string | number | undefined>,
  options: { enabled?: boolean } = {},
) {
  const { api } = useSession();
  const { i18n } = useTranslation();
  return useQuery({
    queryKey: [path, query ?? {}, i18n.language],
    queryFn: async () => (await api.get<T>(path, query)).body,
    enabled: options.enabled ?? true,
  });
}

export const useMe = () => useApiQuery<Me>('/v1/me');

export const useMyTasks = (timeZone: string) => useApiQuery<MyTasks>('/v1/me/tasks', { timeZone, limit: 10 });

/** My open deals that need attention: quiet for two weeks, or past their close date. */
export const useAttention = (timeZone: string) => useApiQuery<Attention>('/v1/me/attention', { timeZone, limit: 20 });

export const useSearch = (q: string) =>
  useApiQuery<SearchResult>('/v1/search', { q, limit: 30 }, { enabled: q.trim().length >= 2 });

export const useOverview = (type: string, id: string, enabled: boolean) =>
  useApiQuery<Overview>(`/v1/records/${encodeURIComponent(type)}/${encodeURIComponent(id)}/overview`, undefined, {
    enabled,
  });

export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
  totalCapped?: boolean;
}

/**
 * The pages of a list a virtualised table shows: each page is fetched by its offset when a row of
 * it is in view, never the pages before it; the first one also counts the list (its total).
 */
export function useListWindow<T>(
  path: string,
  query: { sort: string; filter?: FilterNode | undefined },
  pageSize: number,
  pagesInView: readonly number[],
) {
  const { api } = useSession();
  const { i18n } = useTranslation();
  const filter = query.filter ? JSON.stringify(query.filter) : undefined;
  const wanted = [...new Set([0, ...pagesInView])];
  const results = useQueries({
    queries: wanted.map((page) => ({
      queryKey: [path, 'window', { sort: query.sort, filter, pageSize, page }, i18n.language],
      queryFn: async () =>
        (
          await api.get<ListPage<T>>(path, {
            sort: query.sort,
            filter,
            limit: pageSize,
            offset: page * pageSize,
            count: page === 0 ? 'true' : undefined,
          })
        ).body,
      placeholderData: page === 0 ? keepPreviousData : undefined,
    })),
  });
  const pages = new Map(wanted.map((page, index) => [page, results[index]]));
  const first = pages.get(0);
  return {
    total: first?.data?.total,
    totalCapped: first?.data?.totalCapped ?? false,
    isPending: first?.isPending ?? true,
    error: results.find((result) => result.error)?.error ?? null,
    refetch: () => Promise.all(results.map((result) => result.refetch())),
    row: (index: number): T | undefined => pages.get(Math.floor(index / pageSize))?.data?.items[index % pageSize],
  };
}

/**
 * A user setting kept on the server: its value and version, and a save that sends If-Match.
 * `optimistic`: a change shows at once, and the next change builds on it before it is stored.
 */
function useStoredSetting<V, S extends { value: V | null; version: number | null }>(
  path: string,
  { optimistic = false }: { optimistic?: boolean } = {},
) {
  const { api } = useSession();
  const client = useQueryClient();
  const stored = useQuery({
    queryKey: [path],
    queryFn: async () => (await api.get<S>(path)).body,
    staleTime: Infinity,
  });
  const save = useMutation({
    // One after the other, each with the version the one before it stored.
    scope: { id: path },
    mutationFn: async (value: V) => {
      const current = client.getQueryData<S>([path]);
      try {
        return (await api.put<S>(path, value, `"${current?.version ?? 0}"`)).body;
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 412)) throw error;
        // Changed on another device meanwhile: this change is the newer one, so it goes on top.
        const fresh = (await api.get<S>(path)).body;
        return (await api.put<S>(path, value, `"${fresh.version ?? 0}"`)).body;
      }
    },
    onMutate: (value) => {
      if (optimistic) client.setQueryData<S>([path], (current) => (current ? { ...current, value } : current));
    },
    onSuccess: (saved) =>
      // A change made meanwhile stays shown; only the version it is stored under is new.
      client.setQueryData<S>([path], (current) =>
        optimistic && current ? { ...current, version: saved.version } : saved,
      ),
    onError: () => {
      if (optimistic) void client.invalidateQueries({ queryKey: [path] });
    },
  });
  return { stored, save };
}

export const useListSettings = (listType: string) =>
  useStoredSetting<ListSettings, StoredListSettings>(`/v1/me/settings/lists/${encodeURIComponent(listType)}`);

export const useFavouriteLists = () =>
  useStoredSetting<FavouriteLists, StoredFavouriteLists>('/v1/me/settings/favourite-lists');

/** The header buttons the user hid, and each record type's sections in the user's order and width. */
export const useRecordPageSettings = () =>
  useStoredSetting<RecordPageSettings, StoredRecordPageSettings>('/v1/me/settings/record-pages', { optimistic: true });

export const useRelationTypes = () => useApiQuery<{ items: RelationType[] }>('/v1/relation-types');

/** Relates the record to another, or removes a relation; the pages of both records follow. */
export function useRelationChanges() {
  const { api } = useSession();
  const client = useQueryClient();
  const refresh = () =>
    void client.invalidateQueries({
      predicate: (query) => typeof query.queryKey[0] === 'string' && query.queryKey[0].startsWith('/v1/records/'),
    });
  const create = useMutation({
    mutationFn: async (input: {
      typeId: string;
      from: { type: string; id: string };
      to: { type: string; id: string };
    }) => (await api.post<Relation>('/v1/relations', input)).body,
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: async (relation: Relation) => api.request('DELETE', `/v1/relations/${relation.id}`),
    onSuccess: refresh,
  });
  return { create, remove };
}

export const useCustomFields = (entityType: string, enabled = true) =>
  useApiQuery<{ items: CustomField[] }>('/v1/custom-fields', { entityType }, { enabled });

export const useTags = () => useApiQuery<{ items: Tag[] }>('/v1/tags');

export const useSavedFilters = (entityType: string, enabled = true) =>
  useApiQuery<{ items: SavedFilter[] }>('/v1/saved-filters', { entityType }, { enabled });

/** Creates, changes (If-Match) and deletes saved filters; the list of them follows. */
export function useSavedFilterChanges() {
  const { api } = useSession();
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: ['/v1/saved-filters'] });
  const create = useMutation({
    mutationFn: async (input: CreateSavedFilterInput) => (await api.post<SavedFilter>('/v1/saved-filters', input)).body,
    onSuccess: refresh,
  });
  const update = useMutation({
    mutationFn: async ({ saved, change }: { saved: SavedFilter; change: { name?: string; filter?: FilterNode } }) =>
      (await api.patch<SavedFilter>(`/v1/saved-filters/${saved.id}`, change, `"${saved.version}"`)).body,
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: async (saved: SavedFilter) =>
      api.request('DELETE', `/v1/saved-filters/${saved.id}`, { headers: { 'If-Match': `"${saved.version}"` } }),
    onSuccess: refresh,
  });
  return { create, update, remove };
}
