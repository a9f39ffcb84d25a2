import { describe, expect, it } from '@jest/globals';
import { amountProblem, CURRENCY_CODES, currencyExponent, formatAmount, isCurrency, roundDecimal } from '../money.ts';

describe('money', () => {
  it('knows ISO 4217 currencies and their minor units', () => {
    expect(isCurrency('EUR')).toBe(true);
    expect(isCurrency('CHF')).toBe(true);
    expect(isCurrency('DEM')).toBe(false);
    expect(isCurrency('eur')).toBe(false);
    expect(isCurrency('XAU')).toBe(false);
    expect([currencyExponent('EUR'), currencyExponent('JPY'), currencyExponent('KWD')]).toEqual([2, 0, 3]);
    expect(CURRENCY_CODES.length).toBeGreaterThan(150);
  });

  it('checks amounts against the currency', () => {
    expect(amountProblem('1250.00', 'EUR')).toBeUndefined();
    expect(amountProblem('0', 'EUR')).toBeUndefined();
    expect(amountProblem('99999999999999.99', 'EUR')).toBeUndefined();
    expect(amountProblem('1250.5', 'JPY')).toMatch(/no minor units/);
    expect(amountProblem('1.234', 'EUR')).toMatch(/2 decimal places/);
    expect(amountProblem('1.234', 'KWD')).toBeUndefined();
    expect(amountProblem('-5', 'EUR')).toMatch(/non-negative/);
    expect(amountProblem('1e3', 'EUR')).toMatch(/decimal/);
    expect(amountProblem('0012', 'EUR')).toMatch(/decimal/);
    expect(amountProblem('100000000000000', 'EUR')).toMatch(/14 digits/);
  });

  it('rounds decimal text exactly, half away from zero', () => {
    expect(roundDecimal('412.681500', 2)).toBe('412.68');
    expect(roundDecimal('412.685000', 2)).toBe('412.69');
    expect(roundDecimal('0.004999', 2)).toBe('0.00');
    expect(roundDecimal('-2.5', 0)).toBe('-3');
    expect(roundDecimal('7', 2)).toBe('7.00');
    // Beyond what a double holds exactly.
    expect(roundDecimal('99999999999999.995000', 2)).toBe('100000000000000.00');
    expect(formatAmount('1250.0000', 'EUR')).toBe('1250.00');
    expect(formatAmount('1250.0000', 'JPY')).toBe('1250');
  });
});
