import type { Services } from '../aws/services.js';
import type { HandlerZip } from '../deploy/zip.js';
import type { Clock } from './clock.js';
import type { LabNames } from './names.js';
import type { StateStore } from './state.js';

/** The test upload of incoming/notes.txt, as the checks after it need it. */
export interface UploadEvidence {
  key: string;
  etag: string;
  /** When the upload was sent, by the lab's clock: log lines and items older than this are someone else's. */
  at: number;
}

/**
 * Everything a step may use, built once per command. Steps ask for the part they need with
 * `Pick<LabContext, ...>`, so a unit test builds only that part.
 */
export interface LabContext extends Services {
  names: LabNames;
  /** True when the learner named the bucket (--bucket): it is theirs, never created nor deleted by the lab. */
  bucketGiven: boolean;
  /** Real AWS (where the learner is asked before anything is created) or an AWS-compatible endpoint. */
  target: 'aws' | 'endpoint';
  state: StateStore;
  clock: Clock;
  /** Upper bound for each wait: a table becoming ACTIVE, a role becoming assumable, a log line arriving. */
  timeoutMs: number;
  /** How often to look again for the function's log line and item: seconds on AWS, milliseconds locally. */
  pollIntervalMs: number;
  handlerZip(): Promise<HandlerZip>;
  /** The test upload of this run, once made (setup always; verify unless --no-upload): the logs and item checks wait for its effects. */
  upload: UploadEvidence | undefined;
  /** teardown --dry-run: `remove` says what it would remove and touches nothing. */
  dryRun: boolean;
  /** `aws --region … [--endpoint-url …]`: the AWS CLI words for the commands teardown prints to remove something by hand. */
  awsCli: string;
}
