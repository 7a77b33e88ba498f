/** S3 event notification rules, reduced to what decides which uploads they fire for. */
export interface KeyEventRule {
  /** Event types as configured: `s3:ObjectCreated:*`, `s3:ObjectCreated:Put`, ... */
  events: readonly string[];
  /** '' when the rule has no prefix (or suffix) filter. */
  prefix: string;
  suffix: string;
}

/** Does an event type in a configuration (`s3:ObjectCreated:*`) cover an event S3 emits (`s3:ObjectCreated:Put`)? */
export function eventCovers(configured: string, event: string): boolean {
  return configured === event || (configured.endsWith(':*') && event.startsWith(configured.slice(0, -1)));
}

/** Does the rule fire for this event on this (raw, decoded) key? */
export function firesFor(rule: KeyEventRule, event: string, key: string): boolean {
  return key.startsWith(rule.prefix) && key.endsWith(rule.suffix) && rule.events.some((e) => eventCovers(e, event));
}

/**
 * Two rules overlap when they share an event type and some key could pass both filters: one prefix
 * extends the other and one suffix ends the other. S3 refuses that, whatever the destinations.
 */
export function rulesOverlap(a: KeyEventRule, b: KeyEventRule): boolean {
  const keysOverlap = (a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix)) && (a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix));
  return keysOverlap && a.events.some((ea) => b.events.some((eb) => eventCovers(ea, eb) || eventCovers(eb, ea)));
}
