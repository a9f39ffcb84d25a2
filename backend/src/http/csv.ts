// CSV as spreadsheets read it (RFC 4180): quoted where needed, CRLF line ends, and safe to open:
// a cell a spreadsheet would run as a formula (= + - @, tab, CR, or their full-width forms, also
// after leading blanks) starts with a single quote, so it is shown as the text it is.

export const SEPARATORS = { semicolon: ';', comma: ',', tab: '\t' } as const;
export type SeparatorName = keyof typeof SEPARATORS;

/** UTF-8 byte order mark: Excel reads the file as UTF-8 only with it. */
export const BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]|^\s+[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Neutralizes a cell a spreadsheet would take for a formula. */
export function neutralized(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One cell: neutralized, then quoted (quotes doubled) when it holds the separator, a quote or a line break. */
export function csvCell(value: string | null | undefined, separator: string): string {
  if (value === null || value === undefined || value === '') return '';
  const safe = neutralized(value);
  return safe.includes(separator) || /["\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(cells: readonly (string | null | undefined)[], separator: string): string {
  return `${cells.map((cell) => csvCell(cell, separator)).join(separator)}\r\n`;
}

/** A decimal string with a comma for German spreadsheets, or as it is. */
export function decimal(value: string | number | null | undefined, comma: boolean): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  return comma ? text.replace('.', ',') : text;
}
