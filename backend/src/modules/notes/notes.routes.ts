import { z } from 'zod';
import { ifMatchVersion, setVersionTag } from '../../http/etag.ts';
import { PageQuerySchema } from '../../http/pagination.ts';
import { emOf, principalOf } from '../../http/principal.ts';
import { defineRoute, jsonResponse, type RouteSpec } from '../../http/route.ts';
import { RECORD_TYPES, requireRecord } from '../../records/record-types.ts';
import { IdParamsSchema } from '../identity/identity.schemas.ts';
import { HistoryPageSchema } from '../records/records.schemas.ts';
import {
  CreateNoteSchema,
  NoteListQuerySchema,
  NoteSchema,
  NotesPageSchema,
  UpdateNoteSchema,
} from './notes.schemas.ts';
import { createNote, getNote, noteHistory, notesOf, restoreNote, trashNote, updateNote } from './notes.service.ts';

const problem = (description: string) => ({ description });

export function notesRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/records/{type}/{id}/notes',
      operationId: 'listNotes',
      summary: 'Notes on a record, newest first',
      tags: ['Notes'],
      params: z.object({ type: z.enum(RECORD_TYPES), id: z.uuid() }),
      query: NoteListQuerySchema,
      responses: { 200: jsonResponse(NotesPageSchema, 'A page of notes'), 404: problem('No such record') },
      async handler(ctx, { params, query }) {
        await requireRecord(emOf(ctx), params.type, params.id);
        ctx.body = await notesOf(emOf(ctx), params, query);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/notes',
      operationId: 'createNote',
      summary: 'Write a note on one or more records (HTML is sanitized, Markdown rendered through the same sanitizer)',
      tags: ['Notes'],
      body: CreateNoteSchema,
      responses: {
        201: jsonResponse(NoteSchema, 'The note'),
        400: problem('Empty, or nothing left after removing unsafe HTML'),
        413: problem('Over 100 kB of text'),
        422: problem('A linked record or the activity does not exist'),
      },
      async handler(ctx, { body }) {
        const note = await createNote(emOf(ctx), principalOf(ctx), body);
        ctx.status = 201;
        ctx.set('Location', `/api/v1/notes/${note.id}`);
        setVersionTag(ctx, note.version);
        ctx.body = note;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/notes/{id}',
      operationId: 'getNote',
      summary: 'One note',
      tags: ['Notes'],
      params: IdParamsSchema,
      responses: { 200: jsonResponse(NoteSchema, 'The note'), 404: problem('Not found') },
      async handler(ctx, { params }) {
        const note = await getNote(emOf(ctx), params.id);
        setVersionTag(ctx, note.version);
        ctx.body = note;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/notes/{id}',
      operationId: 'updateNote',
      summary: 'Change a note (its author or an admin); If-Match with its ETag',
      tags: ['Notes'],
      params: IdParamsSchema,
      body: UpdateNoteSchema,
      responses: {
        200: jsonResponse(NoteSchema, 'The changed note'),
        403: problem('Not your note'),
        404: problem('Not found'),
        412: problem('Changed meanwhile'),
        413: problem('Over 100 kB of text'),
        422: problem('A linked record or the activity does not exist'),
      },
      async handler(ctx, { params, body }) {
        const note = await updateNote(emOf(ctx), principalOf(ctx), params.id, body, ifMatchVersion(ctx));
        setVersionTag(ctx, note.version);
        ctx.body = note;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/notes/{id}',
      operationId: 'deleteNote',
      summary: 'Move a note to the trash (its author or an admin); If-Match with its ETag',
      tags: ['Notes'],
      params: IdParamsSchema,
      responses: {
        204: { description: 'In the trash' },
        403: problem('Not your note'),
        404: problem('Not found'),
        412: problem('Changed meanwhile'),
      },
      async handler(ctx, { params }) {
        await trashNote(emOf(ctx), principalOf(ctx), params.id, ifMatchVersion(ctx));
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/notes/{id}/restore',
      operationId: 'restoreNote',
      summary: 'Bring a note back from the trash',
      tags: ['Notes'],
      params: IdParamsSchema,
      responses: {
        200: jsonResponse(NoteSchema, 'The note'),
        403: problem('Not your note'),
        404: problem('Not in the trash'),
      },
      async handler(ctx, { params }) {
        const note = await restoreNote(emOf(ctx), principalOf(ctx), params.id);
        setVersionTag(ctx, note.version);
        ctx.body = note;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/notes/{id}/history',
      operationId: 'getNoteHistory',
      summary: 'Every change of a note, newest first',
      tags: ['Notes'],
      params: IdParamsSchema,
      query: PageQuerySchema,
      responses: { 200: jsonResponse(HistoryPageSchema, 'A page of changes'), 404: problem('Not found') },
      async handler(ctx, { params, query }) {
        ctx.body = await noteHistory(emOf(ctx), params.id, query);
      },
    }),
  ];
}
