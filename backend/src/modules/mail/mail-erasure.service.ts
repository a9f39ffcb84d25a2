// A person's GDPR erasure (G5, Y2) as the filed mail has it: a mail filed for her and no other person
// goes, with its attachments' documents and the bytes no other document shares, its own history and
// its search entry; a mail also on another person stays, off her, with her addresses replaced and her
// name dropped (in its recipients, its text and its history).
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import type { ErasureContext, ErasureHook } from '../../records/erasure-hooks.ts';
import { HistoryEntry } from '../../records/history.entity.ts';
import { recordHistory } from '../../records/history.ts';
import { unindexRecord } from '../../records/search-index.ts';
import { anyUuid, currentTenantId, db, jsonb } from '../../records/sql.ts';
import { DOCUMENT, deleteDocuments } from '../documents/documents.service.ts';
import type { MailAddress } from './addresses.ts';
import { indexStoredMail, MAIL } from './mail.service.ts';

/** What an erased person's address becomes where her data stays. */
export const ERASED_ADDRESS = 'erased@anonymised.invalid';

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A text with her addresses replaced (any case). */
export function withoutAddresses<T extends string | null | undefined>(text: T, addresses: readonly string[]): T {
  if (!text || addresses.length === 0) return text;
  return text.replace(new RegExp(addresses.map(escaped).join('|'), 'gi'), ERASED_ADDRESS) as T;
}

/** A JSON value with her addresses replaced wherever they occur. */
const jsonWithout = (value: unknown, addresses: readonly string[]): unknown =>
  value == null ? value : JSON.parse(withoutAddresses(JSON.stringify(value), addresses));

const anonymised = (entries: readonly MailAddress[], hers: ReadonlySet<string>): MailAddress[] =>
  entries.map((entry) => (hers.has(entry.address) ? { address: ERASED_ADDRESS, name: null } : entry));

async function eraseMails(em: EntityManager, erasure: ErasureContext, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const documents = await db(em)
    .selectFrom('document')
    .select('id')
    .where('tenant_id', '=', currentTenantId)
    .where('mail_id', '=', anyUuid(ids))
    .execute();
  await deleteDocuments(
    em,
    erasure.store,
    erasure.erasedBy.tenantId,
    documents.map((document) => document.id),
  );
  await db(em).deleteFrom('record_link').where('item_type', '=', MAIL).where('item_id', '=', anyUuid(ids)).execute();
  await db(em).deleteFrom('history').where('record_type', '=', MAIL).where('record_id', '=', anyUuid(ids)).execute();
  for (const id of ids) await unindexRecord(em, MAIL, id);
  // Its capture audit goes with it (on delete cascade).
  await db(em).deleteFrom('mail').where('id', '=', anyUuid(ids)).execute();
}

async function anonymiseMails(em: EntityManager, erasure: ErasureContext, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db(em)
    .deleteFrom('record_link')
    .where('record_type', '=', 'person')
    .where('record_id', '=', erasure.id)
    .where((eb) =>
      eb.or([
        eb.and([eb('item_type', '=', MAIL), eb('item_id', '=', anyUuid(ids))]),
        eb.and([
          eb('item_type', '=', DOCUMENT),
          eb('item_id', 'in', eb.selectFrom('document').select('id').where('mail_id', '=', anyUuid(ids))),
        ]),
      ]),
    )
    .execute();
  const { addresses } = erasure;
  const hers = new Set(addresses);
  const mails = await db(em)
    .selectFrom('mail')
    .select([
      'id',
      'from_address',
      'from_name',
      'to_recipients',
      'cc_recipients',
      'bcc_recipients',
      'body_html',
      'body_text',
      'snippet',
    ])
    .where('id', '=', anyUuid(ids))
    .execute();
  // Mail is written with typed statements throughout the mail module (mail.service.ts).
  for (const mail of mails) {
    const sender = hers.has(mail.from_address);
    await db(em)
      .updateTable('mail')
      .set({
        from_address: sender ? ERASED_ADDRESS : mail.from_address,
        from_name: sender ? null : mail.from_name,
        to_recipients: jsonb(anonymised(mail.to_recipients, hers)),
        cc_recipients: jsonb(anonymised(mail.cc_recipients, hers)),
        bcc_recipients: jsonb(anonymised(mail.bcc_recipients, hers)),
        body_html: withoutAddresses(mail.body_html, addresses),
        body_text: withoutAddresses(mail.body_text, addresses),
        snippet: withoutAddresses(mail.snippet, addresses),
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', mail.id)
      .execute();
    recordHistory(em, erasure.erasedBy, { type: MAIL, id: mail.id, action: 'update', after: { anonymised: true } });
  }
  for (const entry of await em.find(HistoryEntry, { recordType: MAIL, recordId: { $in: [...ids] } })) {
    entry.before = jsonWithout(entry.before, addresses);
    entry.after = jsonWithout(entry.after, addresses);
  }
  await em.flush();
  for (const id of ids) await indexStoredMail(em, id);
}

export const eraseMailsOfPerson: ErasureHook = async (em, erasure) => {
  const links = await db(em)
    .selectFrom('record_link')
    .select('item_id')
    .where('tenant_id', '=', currentTenantId)
    .where('record_type', '=', 'person')
    .where('record_id', '=', erasure.id)
    .where('item_type', '=', MAIL)
    .execute();
  const mailIds = links.map((link) => link.item_id);
  if (mailIds.length === 0) return;
  const others = await db(em)
    .selectFrom('record_link')
    .select('item_id')
    .distinct()
    .where('tenant_id', '=', currentTenantId)
    .where('item_type', '=', MAIL)
    .where('item_id', '=', anyUuid(mailIds))
    .where('record_type', '=', 'person')
    .where('record_id', '!=', erasure.id)
    .execute();
  const shared = new Set(others.map((link) => link.item_id));
  await eraseMails(
    em,
    erasure,
    mailIds.filter((id) => !shared.has(id)),
  );
  await anonymiseMails(
    em,
    erasure,
    mailIds.filter((id) => shared.has(id)),
  );
};
