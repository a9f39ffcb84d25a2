// Fractional ranks for the personal order of tasks: a task moved between two others gets a
// rank between theirs, so no other task is renumbered. Ranks are base-36 digit strings compared
// byte-wise (the column is collate "C"), read as fractions 0.d1d2d3…; none ends in '0', so there
// is always room below any rank.

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
const BASE = DIGITS.length;

export const isRank = (value: string) => /^[0-9a-z]{1,200}$/.test(value) && !value.endsWith('0');

function digitOf(rank: string, position: number): number {
  if (position >= rank.length) return 0;
  const digit = DIGITS.indexOf(rank[position] as string);
  if (digit < 0) throw new Error(`not a rank: ${rank}`);
  return digit;
}

/**
 * A rank strictly between `low` and `high` (null: no bound on that side), as short as it can be.
 * Walks digit by digit: while the bounds agree the digit is copied; where they differ by two or
 * more the midpoint ends the rank; where they differ by one the lower digit is kept and only the
 * lower bound constrains the digits that follow.
 */
export function rankBetween(low: string | null, high: string | null): string {
  if (low !== null && high !== null && low >= high) throw new Error(`no rank between ${low} and ${high}`);
  let rank = '';
  let boundAbove = high !== null;
  for (let position = 0; position < 400; position += 1) {
    // The rank so far equals low's digits (zeros past its end), so low constrains every digit.
    const floor = low === null ? 0 : digitOf(low, position);
    const ceiling = boundAbove ? digitOf(high as string, position) : BASE;
    if (ceiling - floor >= 2) return rank + DIGITS[Math.floor((floor + ceiling) / 2)];
    rank += DIGITS[floor];
    // Past this digit the rank is already below `high` unless the digits were equal.
    if (ceiling !== floor) boundAbove = false;
  }
  throw new Error(`ranks ${low} and ${high} are too long`);
}
