import { describe, expect, it } from '@jest/globals';
import { csvCell, csvRow, decimal, neutralized } from '../csv.ts';

describe('CSV cells', () => {
  it('neutralizes what a spreadsheet would run as a formula', () => {
    for (const evil of [
      '=HYPERLINK("http://evil.example","Klick")',
      '+49 221 123456',
      '-2+3',
      '@SUM(A1:A9)',
      '\t=1+1',
      '\r=1+1',
      '  =1+1',
      '\uFF1D1+1',
    ]) {
      expect(neutralized(evil)).toBe(`'${evil}`);
    }
    for (const harmless of ['Bäckerei Schmitt GmbH', '50667', 'a=b', 'E-Mail', "O'Brien", '']) {
      expect(neutralized(harmless)).toBe(harmless);
    }
  });

  it('quotes cells with the separator, quotes or line breaks (RFC 4180), and only those', () => {
    expect(csvCell('Müller; Söhne', ';')).toBe('"Müller; Söhne"');
    expect(csvCell('Müller, Söhne', ';')).toBe('Müller, Söhne');
    expect(csvCell('Müller, Söhne', ',')).toBe('"Müller, Söhne"');
    expect(csvCell('Die "Backstube"', ';')).toBe('"Die ""Backstube"""');
    expect(csvCell('Zeile 1\nZeile 2', ';')).toBe('"Zeile 1\nZeile 2"');
    expect(csvCell('=1;2', ';')).toBe('"\'=1;2"');
    expect(csvCell(null, ';')).toBe('');
    expect(csvCell(undefined, ';')).toBe('');
    expect(csvCell('Tab\tinnen', '\t')).toBe('"Tab\tinnen"');
  });

  it('ends rows with CRLF and writes decimals with a comma for German spreadsheets', () => {
    expect(csvRow(['a', null, 'c'], ';')).toBe('a;;c\r\n');
    expect(decimal('1250000.50', true)).toBe('1250000,50');
    expect(decimal('1250000.50', false)).toBe('1250000.50');
    expect(decimal(42, true)).toBe('42');
    expect(decimal(null, true)).toBeNull();
  });
});
