// Mail addresses as we store and compare them: lower-case, the display name split off
// ("Anna Müller <ANNA@Example.DE>" → anna@example.de, Anna Müller).

export interface MailAddress {
  address: string;
  name: string | null;
}

const ANGLE = /^(.*?)<\s*([^<>\s]+)\s*>\s*$/;

export function normalizeAddress(input: { address: string; name?: string | null | undefined }): MailAddress {
  const raw = input.address.trim();
  const angled = ANGLE.exec(raw);
  const address = (angled ? (angled[2] as string) : raw).replace(/^mailto:/i, '').toLowerCase();
  const parsedName = (angled?.[1] ?? '')
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .trim();
  const name = input.name?.trim() || parsedName;
  // Outlook often repeats the address as the display name.
  return { address, name: name && name.toLowerCase() !== address ? name : null };
}

/** Deduplicated by address, first occurrence kept. */
export function normalizeAddresses(
  inputs: readonly { address: string; name?: string | null | undefined }[],
): MailAddress[] {
  const seen = new Set<string>();
  return inputs.map(normalizeAddress).filter((entry) => {
    if (entry.address === '' || seen.has(entry.address)) return false;
    seen.add(entry.address);
    return true;
  });
}
