import { functionLogGroup } from '../aws-rules/arns.js';
import { poll } from '../lab/retry.js';
import { successLine } from '../steps/logs.js';
import type { LabContext, UploadEvidence } from '../lab/context.js';

type Ctx = Pick<LabContext, 'names' | 'logs' | 'clock' | 'timeoutMs' | 'pollIntervalMs' | 'target'>;

// As the logs check: on AWS the lab's clock and the log service's may differ a little; a local
// endpoint shares the lab's clock, so only the upload's own lines show (not the code check's probe).
const clockSkewMs = (ctx: Pick<LabContext, 'target'>) => (ctx.target === 'aws' ? 5000 : 0);

/**
 * Part 5, live: hands each new line of the function's log to `onLine` as it arrives, until the
 * success line for the upload's key shows (bounded by the lab's timeout); says whether it did. The
 * item is the part's own `item` check's to wait for.
 */
export async function watchUpload(ctx: Ctx, upload: UploadEvidence, onLine: (line: string) => void): Promise<boolean> {
  const group = functionLogGroup(ctx.names.function);
  const seen = new Set<string>();
  const success = successLine(ctx.names.bucket, upload.key);
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
  return logs.done;
}
