/** A PostgreSQL array literal of text, numbers and nulls, for `?::text[]`, `?::int[]`, `?::uuid[]`. */
export function sqlArray(values: readonly (string | number | null)[]): string {
  const item = (value: string | number | null) =>
    value === null ? 'NULL' : `"${String(value).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  return `{${values.map(item).join(',')}}`;
}
