/**
 * How S3's `sequencer` values compare (S3 User Guide, "Event message structure"): for two events on
 * the same object key, the greater one is the later event. They are hexadecimal strings that can
 * differ in length: right-pad the shorter with zeros, then compare them as strings. They say nothing
 * about two different keys.
 */
export function compareSequencers(a: string, b: string): -1 | 0 | 1 {
  const width = Math.max(a.length, b.length);
  const left = a.padEnd(width, '0');
  const right = b.padEnd(width, '0');
  return left < right ? -1 : left > right ? 1 : 0;
}
