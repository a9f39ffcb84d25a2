// PostgreSQL text holds neither U+0000 nor half of a UTF-16 surrogate pair (which JSON's "\ud800"
// escape makes). Requests carrying either are refused where they enter, naming where the text sits,
// so no service ever meets such text and no statement fails on it.
import { type FieldError, toPointer } from './errors.ts';

/** Enough to fix a request by; a body full of NULs must not make the answer huge. */
const MOST_REPORTED = 20;

/** Why `text` cannot be stored, or undefined when it can. */
export function unstorable(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains the NUL character (U+0000), which text cannot hold; remove it';
  if (!text.isWellFormed()) {
    return 'contains half of a UTF-16 surrogate pair (such as the escape \\ud800 without its partner), which is no character; send whole characters';
  }
  return undefined;
}

interface Visit {
  value: unknown;
  /** The member name or index under which `value` sits in its parent; undefined at the root. */
  key?: string | number;
  parent?: Visit;
}

const pathOf = (visit: Visit): (string | number)[] => {
  const path: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) path.unshift(at.key);
  return path;
};

/**
 * Every place in `value` (parsed JSON, a parsed query string) where a member name or a string
 * cannot be stored, in document order. Walks without recursion: JSON may nest deeper than the stack.
 */
export function unstorableTextIn(value: unknown, where: FieldError['in']): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Visit[] = [{ value }];
  while (stack.length > 0 && errors.length < MOST_REPORTED) {
    const visit = stack.pop() as Visit;
    const badName = typeof visit.key === 'string' ? unstorable(visit.key) : undefined;
    if (badName) {
      // Reported in place of the member's value, which no sane pointer reaches.
      errors.push({ in: where, pointer: toPointer(pathOf(visit)), detail: `The member name ${badName}.` });
    } else if (typeof visit.value === 'string') {
      const why = unstorable(visit.value);
      if (why) errors.push({ in: where, pointer: toPointer(pathOf(visit)), detail: `The text ${why}.` });
    } else if (Array.isArray(visit.value)) {
      for (let index = visit.value.length - 1; index >= 0; index--) {
        stack.push({ value: visit.value[index], key: index, parent: visit });
      }
    } else if (visit.value !== null && typeof visit.value === 'object') {
      const members = Object.entries(visit.value);
      for (let index = members.length - 1; index >= 0; index--) {
        const [key, member] = members[index] as [string, unknown];
        stack.push({ value: member, key, parent: visit });
      }
    }
  }
  return errors;
}
