// One spelling per value: object keys sorted (by UTF-16 code units) at every depth, no whitespace.
// The same request therefore always has the same bytes, so it can be stored, hashed and compared.
// Otherwise JSON.stringify's rules: undefined properties are left out, undefined array items and
// non-finite numbers become null.
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
