import { learnerPolicy } from '../aws/permissions.js';
import type { CommandIO } from './run-command.js';

/** policy: the IAM policy upload-lab needs, as JSON on stdout (so it can be redirected to a file and attached). */
export function policy(io: Pick<CommandIO, 'out'>): number {
  io.out.write(`${JSON.stringify(learnerPolicy(), null, 2)}\n`);
  return 0;
}
