import { describe, expect, it } from '@jest/globals';
import {
  type CaptureMessage,
  type CaptureRuleSet,
  captureDecision,
  DEFAULT_CAPTURE_RULES,
  type UserCaptureRuleSet,
} from '../capture-decision.ts';

const NOW = new Date('2026-12-06T12:00:00Z');
const rules: CaptureRuleSet = { ...DEFAULT_CAPTURE_RULES, internalDomains: ['contoso.example'] };
const me: UserCaptureRuleSet = { optOut: false, excludedAddresses: [] };
const known = new Set(['petra.lange@lange-logistik.example', 'max@obsthof.example']);

const mail = (overrides: Partial<CaptureMessage> = {}): CaptureMessage => ({
  folder: 'inbox',
  from: 'petra.lange@lange-logistik.example',
  to: ['anna@contoso.example'],
  cc: [],
  receivedAt: new Date('2026-12-05T09:00:00Z'),
  sensitivity: 'normal',
  ...overrides,
});

describe('whether a mail is filed automatically', () => {
  it('files a mail from a known customer address, naming the rule and the addresses it matched', () => {
    expect(captureDecision(rules, me, mail({ cc: ['max@obsthof.example'] }), known, NOW)).toEqual({
      filed: true,
      rule: 'known_address',
      matched: ['petra.lange@lange-logistik.example', 'max@obsthof.example'],
    });
    // Sent mail: the recipient is the known one.
    const sent = mail({
      folder: 'sentitems',
      from: 'anna@contoso.example',
      to: ['petra.lange@lange-logistik.example'],
    });
    expect(captureDecision(rules, me, sent, known, NOW)).toMatchObject({ filed: true });
  });

  it('never files mail among colleagues, even when a colleague is a known address', () => {
    const internal = mail({ from: 'juergen@contoso.example', to: ['anna@contoso.example'] });
    const colleagues = new Set(['juergen@contoso.example']);
    expect(captureDecision(rules, me, internal, colleagues, NOW)).toEqual({ filed: false, reason: 'internal_only' });
    // Subdomains are internal too.
    const sub = mail({ from: 'noreply@mail.contoso.example' });
    expect(captureDecision(rules, me, sub, new Set(['noreply@mail.contoso.example']), NOW)).toMatchObject({
      reason: 'internal_only',
    });
  });

  it('never files private, personal or confidential mail', () => {
    for (const sensitivity of ['private', 'personal', 'confidential'] as const) {
      expect(captureDecision(rules, me, mail({ sensitivity }), known, NOW)).toEqual({
        filed: false,
        reason: 'sensitive',
        detail: sensitivity,
      });
    }
  });

  it('keeps out mail to or from excluded addresses and domains, the tenant’s and the user’s', () => {
    const tenant = { ...rules, excludedAddresses: ['betriebsrat@lange-logistik.example'] };
    expect(captureDecision(tenant, me, mail({ cc: ['betriebsrat@lange-logistik.example'] }), known, NOW)).toMatchObject(
      { filed: false, reason: 'excluded_address' },
    );
    const byDomain = { ...rules, excludedDomains: ['lange-logistik.example'] };
    expect(captureDecision(byDomain, me, mail(), known, NOW)).toMatchObject({
      filed: false,
      reason: 'excluded_domain',
      detail: 'lange-logistik.example',
    });
    const mine = { optOut: false, excludedAddresses: ['petra.lange@lange-logistik.example'] };
    expect(captureDecision(rules, mine, mail(), known, NOW)).toMatchObject({ reason: 'excluded_address' });
  });

  it('respects the opt-out, the folders and how far back, and files nothing of unknown senders', () => {
    expect(captureDecision(rules, { ...me, optOut: true }, mail(), known, NOW)).toMatchObject({
      reason: 'user_opted_out',
    });
    expect(captureDecision({ ...rules, enabled: false }, me, mail(), known, NOW)).toMatchObject({
      reason: 'capture_disabled',
    });
    expect(
      captureDecision({ ...rules, folders: ['inbox'] }, me, mail({ folder: 'sentitems' }), known, NOW),
    ).toMatchObject({ reason: 'folder_not_included' });
    const old = mail({ receivedAt: new Date('2026-10-01T00:00:00Z') });
    expect(captureDecision(rules, me, old, known, NOW)).toMatchObject({ reason: 'too_old' });
    expect(captureDecision({ ...rules, lookbackDays: 90 }, me, old, known, NOW)).toMatchObject({ filed: true });
    expect(captureDecision(rules, me, mail({ from: 'fremd@example.org' }), known, NOW)).toMatchObject({
      reason: 'no_known_address',
    });
  });
});
