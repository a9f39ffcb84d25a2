// What global search answers: part of the API contract, so it imports nothing of the server.
import { z } from 'zod';

export const SEARCHABLE = ['person', 'organization', 'business_contact', 'note', 'deal', 'mail', 'lead'] as const;
export type SearchableType = (typeof SEARCHABLE)[number];

export const SearchResultSchema = z
  .object({
    items: z.array(
      z.object({
        type: z.string(),
        id: z.uuid(),
        title: z.string(),
        subtitle: z.string().nullable(),
        score: z.number(),
        highlight: z.string().meta({ description: 'The title as HTML with the matched words in <mark>' }),
        records: z
          .array(z.object({ type: z.string(), id: z.uuid(), title: z.string() }))
          .optional()
          .meta({ description: 'For a note: the records it is on' }),
      }),
    ),
  })
  .meta({ id: 'SearchResult' });
export type SearchResult = z.output<typeof SearchResultSchema>;
