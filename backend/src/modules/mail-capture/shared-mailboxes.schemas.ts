// The API of shared mailboxes (Y3): the team mailboxes an admin names to be filed through Graph.
import { z } from 'zod';
import { SharedMailboxViewSchema } from '../graph-sync/graph-sync.schemas.ts';

export const SharedMailboxInputSchema = z
  .object({
    address: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email({ error: 'an email address such as vertrieb@example.de' }).max(320)),
  })
  .meta({ id: 'SharedMailboxInput' });
export type SharedMailboxInput = z.infer<typeof SharedMailboxInputSchema>;

export type SharedMailboxView = z.infer<typeof SharedMailboxViewSchema>;

export const SharedMailboxListSchema = z
  .object({ items: z.array(SharedMailboxViewSchema) })
  .meta({ id: 'SharedMailboxList' });
export type SharedMailboxList = z.infer<typeof SharedMailboxListSchema>;
