// Reading and changing the capture rules: the tenant's (admins change them) and a user's own (kept
// as one of their settings). The sync reads both as rule sets for captureDecision.
import type { EntityManager } from '@mikro-orm/postgresql';
import { checkVersion } from '../../http/etag.ts';
import { currentTenant } from '../../records/current-tenant.ts';
import { readSetting, writeSetting } from '../settings/settings.service.ts';
import { type CaptureRuleSet, DEFAULT_CAPTURE_RULES, type UserCaptureRuleSet } from './capture-decision.ts';
import { CaptureRules } from './capture-rules.entity.ts';
import type { CaptureFolder, CaptureRulesInput, CaptureRulesView, UserCaptureRules } from './capture-rules.schemas.ts';

/** A user's capture rules among their settings. */
export const USER_CAPTURE_SETTING = 'mail.capture';
const WHAT = { en: 'The capture rules', de: 'Die Ablageregeln' };
const USER_DEFAULTS: UserCaptureRules = { optOut: false, excludedAddresses: [] };

const rowOf = (em: EntityManager) => em.findOne(CaptureRules, { tenant: currentTenant(em) });

function viewOf(row: CaptureRules | null): CaptureRulesView {
  const verifiedDomains = row?.verifiedDomains ?? [];
  const internalDomains = row?.internalDomains ?? null;
  return {
    enabled: row?.enabled ?? DEFAULT_CAPTURE_RULES.enabled,
    internalDomains,
    verifiedDomains,
    effectiveInternalDomains: internalDomains ?? verifiedDomains,
    excludedAddresses: row?.excludedAddresses ?? [...DEFAULT_CAPTURE_RULES.excludedAddresses],
    excludedDomains: row?.excludedDomains ?? [...DEFAULT_CAPTURE_RULES.excludedDomains],
    folders: (row?.folders as CaptureFolder[] | undefined) ?? [...DEFAULT_CAPTURE_RULES.folders],
    lookbackDays: row?.lookbackDays ?? DEFAULT_CAPTURE_RULES.lookbackDays,
    linkOpenDeals: row?.linkOpenDeals ?? DEFAULT_CAPTURE_RULES.linkOpenDeals,
    privateNeverFiled: true,
    version: row?.version ?? null,
  };
}

export async function readCaptureRules(em: EntityManager): Promise<CaptureRulesView> {
  return viewOf(await rowOf(em));
}

/** Replaces the tenant's rules; If-Match names the version replaced (0 while the defaults hold). */
export async function writeCaptureRules(
  em: EntityManager,
  input: CaptureRulesInput,
  expectedVersion: number | undefined,
): Promise<CaptureRulesView> {
  let row = await rowOf(em);
  if (!row) {
    checkVersion({ version: 0 }, expectedVersion, WHAT);
    row = em.create(CaptureRules, { tenant: currentTenant(em), ...input });
  } else {
    checkVersion(row, expectedVersion, WHAT);
    em.assign(row, input);
  }
  await em.flush();
  return viewOf(row);
}

/** Keeps the tenant's verified domains as Graph names them (the default internal domains). */
export async function rememberVerifiedDomains(em: EntityManager, domains: readonly string[]): Promise<void> {
  const verifiedDomains = [...new Set(domains.map((domain) => domain.toLowerCase()))].sort();
  const row = await rowOf(em);
  if (!row) {
    em.create(CaptureRules, { tenant: currentTenant(em), internalDomains: null, verifiedDomains });
  } else if (JSON.stringify(row.verifiedDomains) !== JSON.stringify(verifiedDomains)) {
    row.verifiedDomains = verifiedDomains;
  }
  await em.flush();
}

/** The tenant's rules in force, for captureDecision. */
export async function captureRuleSet(em: EntityManager): Promise<CaptureRuleSet & { known: boolean }> {
  const view = await readCaptureRules(em);
  return {
    enabled: view.enabled,
    internalDomains: view.effectiveInternalDomains,
    excludedAddresses: view.excludedAddresses,
    excludedDomains: view.excludedDomains,
    folders: view.folders,
    lookbackDays: view.lookbackDays,
    linkOpenDeals: view.linkOpenDeals,
    known: view.version !== null,
  };
}

export async function readUserCaptureRules(
  em: EntityManager,
  userId: string,
): Promise<UserCaptureRules & { version: number | null }> {
  const stored = await readSetting<UserCaptureRules>(em, userId, USER_CAPTURE_SETTING);
  return { ...USER_DEFAULTS, ...stored.value, version: stored.version };
}

export async function writeUserCaptureRules(
  em: EntityManager,
  userId: string,
  input: UserCaptureRules,
  expectedVersion: number | undefined,
): Promise<UserCaptureRules & { version: number | null }> {
  const stored = await writeSetting(em, userId, USER_CAPTURE_SETTING, input, expectedVersion);
  return { ...USER_DEFAULTS, ...stored.value, version: stored.version };
}

export async function userCaptureRuleSet(em: EntityManager, userId: string): Promise<UserCaptureRuleSet> {
  const { optOut, excludedAddresses } = await readUserCaptureRules(em, userId);
  return { optOut, excludedAddresses };
}
