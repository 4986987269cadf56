/** One parameter of two requests, flattened to a dotted path, with whether they differ. */
export interface ParameterRow {
  path: string;
  left: string;
  right: string;
  differs: boolean;
}

export function parameterDiff(left: Record<string, unknown>, right: Record<string, unknown>): ParameterRow[] {
  const a = flatten(left);
  const b = flatten(right);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.map((path) => {
    const leftValue = a.get(path) ?? '—';
    const rightValue = b.get(path) ?? '—';
    return { path, left: leftValue, right: rightValue, differs: leftValue !== rightValue };
  });
}

function flatten(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (typeof value === 'object' && value !== null) {
    const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
    for (const [key, inner] of entries) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else if (prefix) {
    // Long values (a data-URL control image) would swamp the table; their start tells them apart.
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    into.set(prefix, text.length > 120 ? `${text.slice(0, 117)}…` : text);
  }
  return into;
}
