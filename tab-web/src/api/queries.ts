// Server state through TanStack Query: one hook per thing a page shows, keyed by what it asks and
// the language it is said in. Types come from the API contract; the Api client adds the token.
import type { Attention, Me, MyTasks, SearchResult } from '@crm/backend/contract';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
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

/** A list's cursor pages, each fetched when the rows it holds are about to be shown. */
export function useListPages<T>(path: string, sort: string, pageSize: number) {
  const { api } = useSession();
  const { i18n } = useTranslation();
  return useInfiniteQuery({
    queryKey: [path, { sort, pageSize }, i18n.language],
    queryFn: async ({ pageParam }) =>
      (await api.get<{ items: T[]; nextCursor: string | null }>(path, { sort, limit: pageSize, cursor: pageParam }))
        .body,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
