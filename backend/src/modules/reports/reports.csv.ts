// A report as one CSV file for Excel: each section under its title, its header row in the caller's
// language, a blank line between sections; semicolons and decimal commas, as German Excel reads them.
import { BOM, csvRow, decimal } from '../../http/csv.ts';
import type { Language, Text } from '../../http/language.ts';
import type { Report, ReportCell } from './reports.schemas.ts';

const t = (de: string, en: string): Text => ({ de, en });

const SECTION_TITLES: Record<string, Text> = {
  stages: t('Pipeline nach Phase', 'Pipeline by stage'),
  months: t('Gewonnen und verloren nach Monat', 'Won and lost by month'),
  owners: t('Gewonnen und verloren nach Verantwortlichem', 'Won and lost by owner'),
  lostReasons: t('Verlustgründe', 'Lost reasons'),
  users: t('Aktivitäten nach Benutzer', 'Activities by user'),
  userTasks: t('Erledigte Aufgaben nach Benutzer', 'Tasks done by user'),
  teams: t('Aktivitäten nach Team', 'Activities by team'),
  teamTasks: t('Erledigte Aufgaben nach Team', 'Tasks done by team'),
  industries: t('Organisationen nach Branche', 'Organizations by industry'),
  postalRegions: t('Organisationen nach PLZ-Region', 'Organizations by postal region'),
  revenueBands: t('Organisationen nach Umsatzklasse', 'Organizations by revenue band'),
};

const COLUMN_LABELS: Record<string, Text> = {
  pipeline: t('Pipeline', 'Pipeline'),
  stage: t('Phase', 'Stage'),
  probability: t('Wahrscheinlichkeit (%)', 'Probability (%)'),
  currency: t('Währung', 'Currency'),
  count: t('Anzahl', 'Count'),
  sum: t('Summe', 'Sum'),
  weighted: t('Gewichtete Summe', 'Weighted sum'),
  month: t('Monat', 'Month'),
  owner: t('Verantwortlich', 'Owner'),
  won: t('Gewonnen', 'Won'),
  wonValue: t('Wert gewonnen', 'Value won'),
  lost: t('Verloren', 'Lost'),
  lostValue: t('Wert verloren', 'Value lost'),
  winRate: t('Gewinnquote (%)', 'Win rate (%)'),
  reason: t('Verlustgrund', 'Lost reason'),
  user: t('Benutzer', 'User'),
  team: t('Team', 'Team'),
  type: t('Typ', 'Type'),
  activities: t('Aktivitäten', 'Activities'),
  done: t('Davon erledigt', 'Of which done'),
  tasksDone: t('Erledigte Aufgaben', 'Tasks done'),
  industry: t('Branche', 'Industry'),
  region: t('PLZ-Region', 'Postal region'),
  band: t('Umsatzklasse', 'Revenue band'),
  organizations: t('Organisationen', 'Organizations'),
};

const BAND_LABELS: Record<string, Text> = {
  under1m: t('unter 1 Mio.', 'under 1 million'),
  '1mTo10m': t('1 bis 10 Mio.', '1 to 10 million'),
  '10mTo50m': t('10 bis 50 Mio.', '10 to 50 million'),
  over50m: t('ab 50 Mio.', '50 million and more'),
  unknown: t('unbekannt', 'unknown'),
};

const NONE = t('(ohne Angabe)', '(none)');
const DECIMAL_COLUMNS = new Set(['sum', 'weighted', 'wonValue', 'lostValue', 'winRate']);
const NAMED_COLUMNS = new Set(['owner', 'user', 'industry', 'region', 'reason', 'team']);

const REPORT_FILE_NAMES: Record<Report['name'], Text> = {
  pipeline: t('pipeline', 'pipeline'),
  'win-loss': t('gewonnen-verloren', 'win-loss'),
  activities: t('aktivitaeten', 'activities'),
  customers: t('kunden', 'customers'),
};

export function reportFileName(report: Report, language: Language): string {
  const period = [report.filters.from, report.filters.to].filter((day) => day !== null).join('_');
  return `${REPORT_FILE_NAMES[report.name][language]}${period ? `_${period}` : ''}.csv`;
}

function cell(column: string, value: ReportCell, language: Language): string | null {
  if (value === null) return NAMED_COLUMNS.has(column) ? NONE[language] : null;
  if (typeof value === 'number') return String(value);
  if (column === 'band') return BAND_LABELS[value]?.[language] ?? value;
  return DECIMAL_COLUMNS.has(column) ? decimal(value, true) : value;
}

/** The whole report as CSV text, BOM first. */
export function reportCsv(report: Report, language: Language): string {
  const separator = ';';
  let text = BOM;
  report.sections.forEach((section, index) => {
    if (index > 0) text += '\r\n';
    text += csvRow([SECTION_TITLES[section.key]?.[language] ?? section.key], separator);
    text += csvRow(
      section.columns.map((column) => COLUMN_LABELS[column]?.[language] ?? column),
      separator,
    );
    for (const row of section.rows) {
      text += csvRow(
        section.columns.map((column) => cell(column, row[column] ?? null, language)),
        separator,
      );
    }
  });
  return text;
}
