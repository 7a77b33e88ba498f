/**
 * The regions a request may name: those the AWS SDK's own partition data lists (the same table the
 * SDK resolves endpoints with), in the shape `xx-name-N`. A region becomes a directory name and a
 * DynamoDB store, so it is checked before anything is touched: `..` or 400 invented regions must
 * never open files or stores. The partitions' catch-all regexes are not enough for that: they match
 * unboundedly many strings.
 */
const REGION_SHAPE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

const known = new Set<string>();

/** The SDK's partition table, imported on the first request rather than at start (a sandbox at rest stays light). */
let partitionOf: typeof import('@aws-sdk/core/client').partition | undefined;

export async function isKnownRegion(region: string): Promise<boolean> {
  if (known.has(region)) return true;
  if (!REGION_SHAPE.test(region)) return false;
  partitionOf ??= (await import('@aws-sdk/core/client')).partition;
  if (!('description' in partitionOf(region))) return false;
  known.add(region); // only listed regions are remembered: the set stays as small as the list
  return true;
}
