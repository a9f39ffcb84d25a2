// Every failure the pane can meet, said in the user's language: Office API errors, the CRM's
// problem answers (with its own detail and request id beneath), an unreachable CRM.
import type { TFunction } from 'i18next';
import { ApiError, NetworkError } from './api/client.ts';
import { OfficeApiError } from './office/mailbox.ts';

/** Something the pane itself tells the user (already in their language), such as a missing choice. */
export class Notice extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Notice';
  }
}

export interface Said {
  message: string;
  detail?: string;
}

export function describeError(t: TFunction, error: unknown, options: { writing?: boolean } = {}): Said {
  if (error instanceof Notice) return { message: error.message };
  if (error instanceof OfficeApiError) {
    const what = t(`errors.what.${error.operation}`, { defaultValue: error.operation });
    return {
      message: t(options.writing ? 'errors.officeWrite' : 'errors.office', {
        what,
        code: error.code,
        message: error.message,
      }),
    };
  }
  if (error instanceof NetworkError) return { message: t('errors.network') };
  if (error instanceof ApiError) {
    const fieldErrors = (error.problem.errors ?? []).map(
      (field) => `${field.pointer.replace(/^#\//, '')}: ${field.detail}`,
    );
    const detail = [error.problem.detail, ...fieldErrors].filter(Boolean).join(' · ');
    const requestId = error.problem.requestId ? ` ${t('errors.requestId', { id: error.problem.requestId })}` : '';
    const key =
      error.status === 400 || error.status === 422
        ? 'errors.badRequest'
        : error.status === 403
          ? 'errors.forbidden'
          : error.status === 404
            ? 'errors.notFound'
            : error.status === 409
              ? 'errors.conflict'
              : error.status === 412
                ? 'errors.stale'
                : error.status === 413
                  ? 'errors.tooLarge'
                  : 'errors.server';
    return { message: t(key), detail: `${detail}${requestId}`.trim() || undefined };
  }
  return { message: t('errors.unexpected', { message: (error as Error)?.message ?? String(error) }) };
}
