import { createHash } from 'node:crypto';
import type { S3ObjectFields } from '../lab/probe.js';

export type DemoName = 'overwrite' | 'ordering';

/** One upload whose event the demo delivers, with a sequencer of its choosing. */
export interface DemoUpload extends S3ObjectFields {
  label: string;
  /** `main`: the key both writes compete for; `other`: a second key, to show sequencers order one key only. */
  key: 'main' | 'other';
}

/** One delivery of an upload's event to the function, in the order S3 might make them. */
export interface Delivery {
  upload: DemoUpload;
  /** Why this delivery happens, in the learner's words. */
  note: string;
}

export interface Scenario {
  demo: DemoName;
  title: string;
  deliveries: Delivery[];
  /** The upload whose metadata the main key should end with: the newest. */
  newest: DemoUpload;
}

// The ETag S3 would give each upload's content (an MD5), so the items look like real ones.
const etag = (label: string) => createHash('md5').update(`upload-lab demo: ${label}`).digest('hex');
const upload = (label: string, key: DemoUpload['key'], sequencer: string, size: number): DemoUpload => ({ label, key, sequencer, size, eTag: etag(label) });

// Sequencers as S3 writes them: upper-case hex. Upload 2 is later than upload 1.
const first = upload('upload 1', 'main', '0062F3A1B2C3D4E5F0', 11);
const second = upload('upload 2', 'main', '0062F3A1B2C3D4E600', 24);
// In the ordering demo upload 2's sequencer is shorter than upload 1's, yet later once padded.
const secondShort = upload('upload 2', 'main', '0062F3A1B2C3D4E6', 24);
const otherKey = upload('other key', 'other', '0062F3A1B2C3D4', 7);

export const SCENARIOS: Record<DemoName, Scenario> = {
  overwrite: {
    demo: 'overwrite',
    title: 'PutItem overwrites: the same key uploaded again, then an event delivered twice',
    deliveries: [
      { upload: first, note: 'first upload of the key' },
      { upload: second, note: "the same key uploaded again: PutItem replaces upload 1's item" },
      { upload: first, note: "upload 1's event delivered a second time, late (S3 delivers at least once)" },
    ],
    newest: second,
  },
  ordering: {
    demo: 'ordering',
    title: 'Events out of order: the newer upload\'s event arrives first',
    deliveries: [
      { upload: secondShort, note: "the newer upload's event arrives first" },
      { upload: first, note: "the older upload's event arrives after it" },
      { upload: otherKey, note: 'an event for another key, with a smaller sequencer: sequencers only order the events of one key' },
    ],
    newest: secondShort,
  },
};
