// Every failure a page can meet, said in the user's language: the CRM's problem answers (with its
// own detail and request id beneath), an unreachable CRM, anything else.
import type { TFunction } from 'i18next';
import { ApiError, NetworkError } from '../../web-shared/api-client.ts';

export interface Said {
  message: string;
  detail?: string | undefined;
}

const KEY_BY_STATUS: Record<number, string> = {
  400: 'errors.badRequest',
  403: 'errors.forbidden',
  404: 'errors.notFound',
  409: 'errors.conflict',
  412: 'errors.stale',
  422: 'errors.badRequest',
};

export function describeError(t: TFunction, error: unknown): Said {
  if (error instanceof NetworkError) return { message: t('errors.network') };
  if (error instanceof ApiError) {
    const fieldErrors = (error.problem.errors ?? []).map(
      (field) => `${field.pointer.replace(/^#\//, '')}: ${field.detail}`,
    );
    const detail = [error.problem.detail, ...fieldErrors].filter(Boolean).join(' · ');
    const requestId = error.problem.requestId ? ` ${t('errors.requestId', { id: error.problem.requestId })}` : '';
    return {
      message: t(KEY_BY_STATUS[error.status] ?? 'errors.server'),
      detail: `${detail}${requestId}`.trim() || undefined,
    };
  }
  return { message: t('errors.unexpected', { message: (error as Error)?.message ?? String(error) }) };
}
