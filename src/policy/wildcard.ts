/**
 * IAM's wildcard match: `*` is any run of characters (including `/` and `:`), `?` is exactly one.
 * A two-pointer scan rather than a RegExp: policy text is user input, and a pattern such as
 * `*a*a*a*a*b` must not be able to stall the sandbox with catastrophic backtracking.
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  let pi = 0;
  let vi = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === v[vi])) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === '*') {
      starAt = pi++;
      resumeAt = vi;
    } else if (starAt >= 0) {
      // Let the last `*` swallow one more character and retry from there.
      pi = starAt + 1;
      vi = ++resumeAt;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}
