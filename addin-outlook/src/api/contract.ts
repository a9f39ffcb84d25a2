// The backend's API contract as the pane uses it: the types come from the backend's zod schemas
// (type-only imports, nothing of the backend is bundled), so a changed field breaks this build.
import type {
  DuplicateCandidate,
  LookupResultSchema,
  PersonView,
} from '../../../backend/src/modules/contacts/contacts.schemas.ts';
import type { MeSchema } from '../../../backend/src/modules/identity/identity.schemas.ts';

type Infer<T> = T extends { _zod: { output: infer O } } ? O : never;

export type { DuplicateCandidate, PersonView };
export type LookupItem = Infer<typeof LookupResultSchema>['items'][number];
export type Me = Infer<typeof MeSchema>;

export type RecordType = 'person' | 'organization' | 'business_contact' | 'deal' | 'lead';
export interface RecordLink {
  type: RecordType;
  id: string;
}

export interface Deal {
  id: string;
  title: string;
  value: string | null;
  currency: string;
  pipelineId: string;
  stageId: string;
  stageName: string;
  personId: string | null;
  organizationId: string | null;
  businessContactId: string | null;
  status: 'open' | 'won' | 'lost';
}

export interface Task {
  id: string;
  title: string;
  status: string;
  dueAt: string | null;
  priority: string;
  links: { type: string; id: string }[];
}

export interface FiledMailView {
  id: string;
  internetMessageId: string;
  subject: string;
  /** Every record the mail is filed to. */
  links: { type: string; id: string; title: string | null }[];
  attachments: { id: string; name: string; sha256: string | null; isInline: boolean; kind: 'file' | 'cloud' }[];
}

export interface FiledMailResult extends FiledMailView {
  /** true: stored now; false: it was filed before. */
  created: boolean;
  /** The links this request added. */
  addedLinks: RecordLink[];
}

export interface MailAttachmentInput {
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId?: string;
  contentBase64?: string;
  cloudUrl?: string;
}

export interface FileMailInput {
  internetMessageId: string;
  conversationId: string | null;
  subject: string;
  from: { address: string; name: string };
  to: { address: string; name: string }[];
  cc: { address: string; name: string }[];
  sentAt: string | null;
  receivedAt: string | null;
  bodyHtml: string;
  bodyText: string;
  attachments: MailAttachmentInput[];
  links: RecordLink[];
  internetHeaders?: Record<string, string>;
}

export interface CallInput {
  personId: string;
  direction: 'inbound' | 'outbound';
  startsAt: string;
  durationMinutes: number;
  outcome: string;
  note?: string;
  followUp?: { title: string; dueAt: string; assigneeId?: string };
}
