/**
 * Which regions exist, from the AWS SDK's own partition data (the table every SDK client resolves
 * endpoints with), so a region AWS opens arrives with an SDK update instead of a hand-kept list. One
 * module for both sides: the sandbox checks the region of each request, the CLI the region it runs in.
 *
 * The partitions' catch-all regexes are not enough: they match unboundedly many strings, and in the
 * sandbox a region becomes a directory name and a DynamoDB store (`..` or 400 invented regions must
 * never open files or stores). Only listed regions count.
 */
const REGION_SHAPE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The partition the lab builds its ARNs in (`arn:aws:...`). */
export const LAB_PARTITION = 'aws';

type PartitionOf = (region: string) => { name: string; description?: string };

/** The SDK's partition table, imported on first use rather than at start (a sandbox at rest stays light). */
let partitionOf: PartitionOf | undefined;
const loadPartitions = async (): Promise<PartitionOf> => (partitionOf ??= (await import('@aws-sdk/core/client')).partition as PartitionOf);

const known = new Set<string>();

/** A region the SDK's data lists, in any partition. */
export async function isKnownRegion(region: string): Promise<boolean> {
  if (known.has(region)) return true;
  if (!REGION_SHAPE.test(region)) return false;
  if ((await loadPartitions())(region).description === undefined) return false;
  known.add(region); // only listed regions are remembered: the set stays as small as the list
  return true;
}

/**
 * Why the lab cannot run in `region`, or undefined when it can: a listed region of the `aws`
 * partition. China and GovCloud regions exist, but the lab's `arn:aws:` ARNs would be wrong there.
 */
export async function regionProblem(region: string): Promise<string | undefined> {
  if (!REGION_SHAPE.test(region)) return 'it is not a region name (regions look like us-east-1 or eu-west-1)';
  if (!(await isKnownRegion(region))) return "it is not a region upload-lab knows: the AWS SDK's list of regions has no such region";
  const { name } = (await loadPartitions())(region);
  if (name !== LAB_PARTITION) return `it is in the ${name} partition; upload-lab builds its resources in the standard aws partition`;
  return undefined;
}
