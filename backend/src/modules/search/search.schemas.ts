// Global search's answer: best matches of every kind, with highlights.
import { z } from 'zod';

/** The kinds of record global search finds. */
export const SEARCHABLE = ['person', 'organization', 'business_contact', 'note', 'deal', 'mail', 'lead'] as const;

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
