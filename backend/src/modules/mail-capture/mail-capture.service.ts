// The audit of one mail's automatic filings, and un-filing it: the mail leaves every record it is on
// (the mail module's unfile), the audit says who did it, and the sync does not file it again.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../http/principal.ts';
import { noSuch, problem } from '../../http/problems.ts';
import { TRASH_FILTER } from '../../http/tenancy.ts';
import type { ErasureHook } from '../../records/erasure-hooks.ts';
import { linksOf } from '../../records/record-links.ts';
import { User } from '../identity/user.entity.ts';
import { Mail } from '../mail/mail.entity.ts';
import { MAIL, unfileMail } from '../mail/mail.service.ts';
import { ERASED_ADDRESS } from '../mail/mail-erasure.service.ts';
import type { MailCaptureView } from './capture-rules.schemas.ts';
import { MailCaptureAudit } from './mail-capture-audit.entity.ts';

async function mailOf(em: EntityManager, id: string): Promise<Mail> {
  const mail = await em.findOne(Mail, { id }, { filters: { [TRASH_FILTER]: false } });
  if (!mail) throw problem('not_found', { noSuch: noSuch('filed_mail'), id });
  return mail;
}

export async function mailCapture(em: EntityManager, id: string): Promise<MailCaptureView> {
  const mail = await mailOf(em, id);
  // The audit outlives the filing: a mail un-filed (in the trash) keeps it.
  const entries = await em.find(
    MailCaptureAudit,
    { mail: id },
    { orderBy: { createdAt: 'asc', id: 'asc' }, filters: { [TRASH_FILTER]: false } },
  );
  const userIds = [...new Set(entries.map((entry) => entry.userId).filter((user): user is string => !!user))];
  const users = new Map(
    (userIds.length > 0 ? await em.find(User, { id: { $in: userIds } }) : []).map((user) => [user.id, user]),
  );
  const mailboxOf = (entry: MailCaptureAudit): MailCaptureView['entries'][number]['mailbox'] => {
    if (entry.action !== 'filed') return null;
    // Filings audited before the mailbox's kind was kept came from users' own mailboxes.
    const address = entry.mailboxAddress ?? (entry.userId ? users.get(entry.userId)?.email : undefined) ?? null;
    return { kind: entry.mailboxKind ?? 'user', address };
  };
  return {
    mailId: mail.id,
    internetMessageId: mail.internetMessageId,
    filed: mail.deletedAt == null,
    automatic: entries.some((entry) => entry.action === 'filed'),
    unfiled: entries.some((entry) => entry.action === 'unfiled'),
    entries: entries.map((entry) => ({
      action: entry.action,
      rule: entry.rule ?? null,
      matched: entry.matched,
      dealRule: entry.dealRule ?? null,
      deals: entry.deals,
      folder: entry.folder ?? null,
      mailbox: mailboxOf(entry),
      userId: entry.userId ?? null,
      userName: entry.userId ? (users.get(entry.userId)?.displayName ?? null) : null,
      at: entry.createdAt.toISOString(),
    })),
  };
}

/**
 * Takes the mail off every record (whoever filed it, sales managers, admins: the mail module's rule),
 * audits it, and keeps the sync from filing it again. Un-filing a mail un-filed already changes nothing.
 */
export async function unfileCapturedMail(
  em: EntityManager,
  principal: Principal & { userId: string },
  id: string,
): Promise<MailCaptureView> {
  const mail = await mailOf(em, id);
  if (mail.deletedAt == null) {
    const links = (await linksOf(em, MAIL, [id])).get(id) ?? [];
    await unfileMail(em, principal, id, links);
  }
  const already = await em.findOne(
    MailCaptureAudit,
    { mail: id, action: 'unfiled' },
    { filters: { [TRASH_FILTER]: false } },
  );
  if (!already) {
    em.create(MailCaptureAudit, {
      tenant: principal.tenantId,
      mail: id,
      internetMessageId: mail.internetMessageId,
      action: 'unfiled',
      userId: principal.userId,
    });
    await em.flush();
  }
  return mailCapture(em, id);
}

/**
 * A person's GDPR erasure in the audit: the audits of mails that stay keep their entries, with her
 * addresses replaced among those the mail was filed for (the mails filed only for her took theirs along).
 */
export const anonymiseCaptureAudits: ErasureHook = async (em, erasure) => {
  if (erasure.addresses.length === 0) return;
  const hers = new Set(erasure.addresses);
  const audits = await em.find(
    MailCaptureAudit,
    { matched: { $hasSomeKeys: [...erasure.addresses] } },
    { filters: { [TRASH_FILTER]: false } },
  );
  for (const audit of audits) {
    audit.matched = audit.matched.map((address) => (hers.has(address) ? ERASED_ADDRESS : address));
  }
  await em.flush();
};
