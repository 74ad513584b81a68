/**
 * The value at a dot path ("data.items", "attributes.author.name", "items.0.id") inside a parsed
 * JSON value; undefined when a step is missing. An empty path is the value itself.
 */
export function readDotPath(value: unknown, path: string): unknown {
  if (!path) return value;
  let current: unknown = value;
  for (const step of path.split('.')) {
    if (Array.isArray(current)) current = /^\d+$/.test(step) ? current[Number(step)] : undefined;
    else if (current !== null && typeof current === 'object' && Object.prototype.hasOwnProperty.call(current, step)) {
      current = (current as Record<string, unknown>)[step];
    } else return undefined;
  }
  return current;
}
