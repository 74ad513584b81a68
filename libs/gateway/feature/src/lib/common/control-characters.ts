/**
 * C0 controls (NUL … US), DEL and C1 controls: nothing a person types into an id, a filter or a
 * name, and NUL is refused by PostgreSQL text columns (a 500 had it reached storage).
 */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/** Where the first string holding a control character sits in a request value ("" for the value itself), or undefined. */
export function controlCharacterPath(value: unknown): string | undefined {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  const seen = new Set<object>();
  for (let next = pending.pop(); next; next = pending.pop()) {
    const current = next.value;
    if (typeof current === 'string') {
      if (hasControlCharacter(current)) return next.path;
    } else if (typeof current === 'object' && current !== null && !seen.has(current)) {
      seen.add(current);
      for (const [key, item] of Object.entries(current)) {
        const path = next.path === '' ? key : Array.isArray(current) ? `${next.path}[${key}]` : `${next.path}.${key}`;
        if (hasControlCharacter(key)) return path;
        pending.push({ value: item, path });
      }
    }
  }
  return undefined;
}
