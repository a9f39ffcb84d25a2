// Records this user opened lately, newest first, kept in this browser for the start page.
export interface RecentRecord {
  type: string;
  id: string;
  title: string;
  openedAt: string;
}

const KEY = 'crm.app.recent';
const KEPT = 12;

export function recentRecords(): RecentRecord[] {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(stored) ? (stored as RecentRecord[]) : [];
  } catch {
    return [];
  }
}

export function rememberOpened(record: Omit<RecentRecord, 'openedAt'>): void {
  const others = recentRecords().filter((entry) => !(entry.type === record.type && entry.id === record.id));
  const next = [{ ...record, openedAt: new Date().toISOString() }, ...others].slice(0, KEPT);
  localStorage.setItem(KEY, JSON.stringify(next));
}
