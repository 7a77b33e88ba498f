/**
 * A plain record whose keys come from requests (S3 keys, role names, policy names): without a
 * prototype, `__proto__`, `constructor` or `toString` are ordinary keys, stored and found like any
 * other, and JSON.stringify writes them as such. `from` re-creates one from parsed JSON, where such
 * keys arrive as own properties of an ordinary object.
 */
export function dictionary<T>(from: Record<string, T> = {}): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, from);
}
