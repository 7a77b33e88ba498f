import type { Item } from '../aws/services.js';
import { functionLogGroup } from '../aws-rules/arns.js';
import { TEST_KEY } from '../lab/names.js';
import { poll } from '../lab/retry.js';
import { successLine } from '../steps/logs.js';
import type { LabContext, UploadEvidence } from '../lab/context.js';

type Ctx = Pick<LabContext, 'names' | 'logs' | 'dynamodb' | 'clock' | 'timeoutMs' | 'pollIntervalMs' | 'target'>;

// As the logs check: on AWS the lab's clock and the log service's may differ a little; a local
// endpoint shares the lab's clock, so only the upload's own lines show (not the code check's probe).
const clockSkewMs = (ctx: Pick<LabContext, 'target'>) => (ctx.target === 'aws' ? 5000 : 0);

/**
 * Part 5, live: hands each new line of the function's log to `onLine` as it arrives, until the
 * success line for the upload shows; then waits for the upload's item (its ETag) and returns it.
 * Both waits are bounded by the lab's timeout.
 */
export async function watchUpload(ctx: Ctx, upload: UploadEvidence, onLine: (line: string) => void): Promise<{ logged: boolean; item: Item | undefined }> {
  const group = functionLogGroup(ctx.names.function);
  const seen = new Set<string>();
  const success = successLine(ctx.names.bucket);
  const logs = await poll(ctx.clock, ctx.timeoutMs, ctx.pollIntervalMs, async () => {
    const events = await ctx.logs.filterEvents(group, '', upload.at - clockSkewMs(ctx));
    for (const event of events) {
      const id = `${event.timestamp} ${event.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      onLine(event.message.trimEnd());
    }
    return events.some((e) => e.message.includes(success)) ? { done: true, value: true } : { done: false };
  });
  const key = { bucket: ctx.names.bucket, object_key: TEST_KEY };
  const item = await poll<Item>(ctx.clock, ctx.timeoutMs, ctx.pollIntervalMs, async () => {
    const found = await ctx.dynamodb.getItem(ctx.names.table, key);
    return found && found.etag === upload.etag ? { done: true, value: found } : { done: false };
  });
  return { logged: logs.done, item: item.done ? item.value : undefined };
}
