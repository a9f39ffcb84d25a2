// The API contract, `@crm/backend/contract`: every zod schema the API validates with or answers in,
// the types inferred from them, and the enums they use. Front ends (the Outlook add-in, the web
// app, the bot) import this and nothing else of the backend, so a renamed field breaks their
// build. Browser-safe: nothing here reaches koa, MikroORM, pg or node: (a test bundles it).

// Problems (RFC 9457), lists (cursor pages) and the AND/OR filter tree that lists and saved filters take.
export { type FieldError, type Problem, ProblemSchema } from '../http/errors.ts';
export {
  FILTER_OPERATORS,
  type FilterCondition,
  type FilterNode,
  type FilterOperator,
  FilterQueryParam,
  FilterSchema,
} from '../http/filters.ts';
export { PageQuerySchema, pageOf } from '../http/pagination.ts';
export * from '../modules/activities/activities.schemas.ts';
export * from '../modules/activities/calls.schemas.ts';
export * from '../modules/attention/attention.schemas.ts';
export * from '../modules/board/board.schemas.ts';
export { MoveSchema, MoveSchema as MoveCardSchema } from '../modules/board/board.schemas.ts';
export * from '../modules/calendar/calendar.schemas.ts';
export * from '../modules/comments/comments.schemas.ts';
export * from '../modules/contacts/contacts.schemas.ts';
// Two modules use one name: the identical id parameters once, and each move by what it moves
// (`MoveSchema` stays the card move's, as the deals board names it).
export { IdParamsSchema } from '../modules/contacts/contacts.schemas.ts';
export * from '../modules/custom-fields/custom-fields.schemas.ts';
export * from '../modules/dashboards/dashboards.schemas.ts';
export * from '../modules/deals/deals.schemas.ts';
export * from '../modules/documents/documents.schemas.ts';
export * from '../modules/graph-sync/graph-sync.schemas.ts';
export * from '../modules/health/health.schemas.ts';
export * from '../modules/identity/identity.schemas.ts';
export * from '../modules/leads/leads.schemas.ts';
export * from '../modules/lost-reasons/lost-reasons.schemas.ts';
export * from '../modules/mail/mail.schemas.ts';
export * from '../modules/mail-capture/capture-rules.schemas.ts';
export * from '../modules/mail-capture/shared-mailboxes.schemas.ts';
export * from '../modules/mail-filing/mail-filing.schemas.ts';
export * from '../modules/mail-send/mail-send.schemas.ts';
export * from '../modules/notes/notes.schemas.ts';
export * from '../modules/notifications/notifications.schemas.ts';
export * from '../modules/pipelines/pipelines.schemas.ts';
export * from '../modules/prospects/prospects.schemas.ts';
export * from '../modules/record-people/record-people.schemas.ts';
export * from '../modules/records/records.schemas.ts';
export * from '../modules/relations/relations.schemas.ts';
export * from '../modules/reports/reports.schemas.ts';
export * from '../modules/saved-filters/saved-filters.schemas.ts';
export * from '../modules/search/search.schemas.ts';
export * from '../modules/settings/settings.schemas.ts';
export * from '../modules/stage-templates/stage-templates.schemas.ts';
export * from '../modules/tags/tags.schemas.ts';
export * from '../modules/tasks/tasks.schemas.ts';
export { MoveSchema as MoveTaskSchema } from '../modules/tasks/tasks.schemas.ts';
export * from '../modules/timeline/timeline.schemas.ts';
export * from '../records/record-types.schemas.ts';

export type * from './types.ts';
