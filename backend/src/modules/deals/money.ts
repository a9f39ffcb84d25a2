// Money without floats: ISO 4217 currencies with their minor units, amounts as decimal strings
// checked against them, and exact rounding of the decimal text PostgreSQL's numeric returns.

/** Active ISO 4217 currency codes with their number of minor-unit digits (2 unless listed). */
const ZERO_DECIMALS = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const THREE_DECIMALS = 'BHD IQD JOD KWD LYD OMR TND';
const FOUR_DECIMALS = 'CLF UYW';
const TWO_DECIMALS = `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
  CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ
  GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP
  MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG
  SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD
  XCG YER ZAR ZMW ZWG`;

const EXPONENTS = new Map<string, number>(
  (
    [
      [ZERO_DECIMALS, 0],
      [TWO_DECIMALS, 2],
      [THREE_DECIMALS, 3],
      [FOUR_DECIMALS, 4],
    ] as const
  ).flatMap(([codes, exponent]) => codes.split(/\s+/).map((code) => [code, exponent] as const)),
);

export const CURRENCY_CODES: readonly string[] = [...EXPONENTS.keys()].sort();

export const isCurrency = (code: string): boolean => EXPONENTS.has(code);

/** Minor-unit digits of a currency (EUR 2, JPY 0, KWD 3). */
export function currencyExponent(code: string): number {
  const exponent = EXPONENTS.get(code);
  if (exponent === undefined) throw new Error(`not an ISO 4217 currency: ${code}`);
  return exponent;
}

/** The largest amount a deal holds: numeric(18, 4) leaves 14 integer digits. */
export const AMOUNT_PATTERN = /^(0|[1-9]\d{0,13})(\.\d{1,4})?$/;

/** Why an amount does not fit a currency, or undefined when it does. */
export function amountProblem(amount: string, currency: string): string | undefined {
  if (!AMOUNT_PATTERN.test(amount)) {
    return 'a non-negative decimal amount as a string, e.g. "1250.00", at most 14 digits before the point';
  }
  const decimals = amount.split('.')[1]?.length ?? 0;
  const exponent = currencyExponent(currency);
  if (decimals > exponent) {
    return exponent === 0
      ? `${currency} has no minor units; send a whole amount`
      : `${currency} has ${exponent} decimal places; send at most ${exponent}`;
  }
  return undefined;
}

/**
 * Rounds a decimal string (as PostgreSQL's numeric prints it, possibly negative) half away from
 * zero to `places` digits, exactly, and prints it with exactly that many.
 */
export function roundDecimal(text: string, places: number): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`not a decimal: ${text}`);
  const [, sign, whole, fraction = ''] = match;
  const scale = fraction.length;
  let units = BigInt(`${whole}${fraction}`);
  if (scale > places) {
    const divisor = 10n ** BigInt(scale - places);
    const remainder = units % divisor;
    units = units / divisor + (remainder * 2n >= divisor ? 1n : 0n);
  } else {
    units *= 10n ** BigInt(places - scale);
  }
  const digits = units.toString().padStart(places + 1, '0');
  const printed = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return sign && units !== 0n ? `-${printed}` : printed;
}

/** An amount printed with its currency's minor units: "1250.00", "1250" (JPY), "1250.500" (KWD). */
export const formatAmount = (text: string, currency: string): string => roundDecimal(text, currencyExponent(currency));
