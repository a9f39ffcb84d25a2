// Whether a mail is filed automatically, decided from the rules alone (no database, no Graph): the
// sync asks for each message, and a mail that is not filed is never stored, not even briefly.
import type { CaptureFolder, LinkOpenDeals } from './capture-rules.schemas.ts';

export type Sensitivity = 'normal' | 'personal' | 'private' | 'confidential';

/** The tenant's rules in force (defaults filled in, internal domains resolved). */
export interface CaptureRuleSet {
  enabled: boolean;
  internalDomains: readonly string[];
  excludedAddresses: readonly string[];
  excludedDomains: readonly string[];
  folders: readonly CaptureFolder[];
  lookbackDays: number;
  /** Which open deals of the persons a filed mail goes to as well (the sync applies it). */
  linkOpenDeals: LinkOpenDeals;
}

export interface UserCaptureRuleSet {
  optOut: boolean;
  excludedAddresses: readonly string[];
}

/** A message as the decision needs it: addresses lower-case. */
export interface CaptureMessage {
  folder: CaptureFolder;
  from: string;
  to: readonly string[];
  cc: readonly string[];
  receivedAt: Date;
  sensitivity: Sensitivity;
}

export type SkipReason =
  | 'capture_disabled'
  | 'user_opted_out'
  | 'folder_not_included'
  | 'too_old'
  | 'sensitive'
  | 'excluded_address'
  | 'excluded_domain'
  | 'internal_only'
  | 'no_known_address';

export type CaptureDecision =
  | {
      filed: true;
      /** The rule that filed it: a participant outside the internal domains is a known CRM address. */
      rule: 'known_address';
      /** The known addresses it was filed for (lower-case). */
      matched: string[];
    }
  | { filed: false; reason: SkipReason; detail?: string };

export const DEFAULT_CAPTURE_RULES: Omit<CaptureRuleSet, 'internalDomains'> = {
  enabled: true,
  excludedAddresses: [],
  excludedDomains: [],
  folders: ['inbox', 'sentitems'],
  lookbackDays: 30,
  linkOpenDeals: 'single',
};

const DAY_MS = 24 * 3_600_000;
const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);
/** A domain rule covers its subdomains too: contoso.de covers mail.contoso.de. */
const inDomains = (address: string, domains: readonly string[]) => {
  const domain = domainOf(address);
  return domains.some((entry) => domain === entry || domain.endsWith(`.${entry}`));
};

/**
 * Filed, with the rule and the addresses it matched, or the first reason it is not, checked from the
 * cheapest rule to the one that needs the CRM's addresses. `knownAddresses` are the lower-case
 * addresses of the CRM's persons (a set, or any lookup).
 */
export function captureDecision(
  rules: CaptureRuleSet,
  userRules: UserCaptureRuleSet,
  message: CaptureMessage,
  knownAddresses: { has(address: string): boolean },
  now: Date = new Date(),
): CaptureDecision {
  if (!rules.enabled) return { filed: false, reason: 'capture_disabled' };
  if (userRules.optOut) return { filed: false, reason: 'user_opted_out' };
  if (!rules.folders.includes(message.folder)) return { filed: false, reason: 'folder_not_included' };
  if (message.receivedAt.getTime() < now.getTime() - rules.lookbackDays * DAY_MS) {
    return { filed: false, reason: 'too_old' };
  }
  if (message.sensitivity !== 'normal') return { filed: false, reason: 'sensitive', detail: message.sensitivity };
  const participants = [...new Set([message.from, ...message.to, ...message.cc].filter((entry) => entry !== ''))];
  const excluded = new Set([...rules.excludedAddresses, ...userRules.excludedAddresses]);
  const excludedAddress = participants.find((address) => excluded.has(address));
  if (excludedAddress) return { filed: false, reason: 'excluded_address', detail: excludedAddress };
  const excludedDomain = participants.find((address) => inDomains(address, rules.excludedDomains));
  if (excludedDomain) return { filed: false, reason: 'excluded_domain', detail: domainOf(excludedDomain) };
  const external = participants.filter((address) => !inDomains(address, rules.internalDomains));
  if (external.length === 0) return { filed: false, reason: 'internal_only' };
  const matched = external.filter((address) => knownAddresses.has(address));
  if (matched.length === 0) return { filed: false, reason: 'no_known_address' };
  return { filed: true, rule: 'known_address', matched };
}
