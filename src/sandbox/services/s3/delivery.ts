import { firesFor } from '../../../aws-rules/notifications.js';
import type { World } from '../../world.js';
import { eventRecord, Sequencer, type ObjectEvent } from './events.js';
import { keyEventRule } from './notification-config.js';
import type { S3Store } from './store.js';

/** How long `reorderEvents` holds a key's events to collect a burst before delivering it reversed. */
const REORDER_WINDOW_MS = 50;

interface Delivery {
  functionArn: string;
  payload: string;
  /** The invocation's place in its chain: one more than the invocation whose call caused the event. */
  chain: number;
}

/**
 * Turns object events into Lambda invocations, per the bucket's notification configuration. Delivery
 * waits until the request that caused it has been answered (an upload never waits for its trigger),
 * and can be made as unreliable as S3's at-least-once, unordered delivery: `duplicateEvents` sends
 * each event twice, `reorderEvents` holds a key's burst briefly and sends it in reverse.
 * Queue and topic destinations are stored but receive nothing: the sandbox has no SQS or SNS.
 */
export class EventDispatcher {
  private readonly held = new Map<string, { deliveries: Delivery[]; timer: NodeJS.Timeout }>();
  private readonly sequencer = new Sequencer();

  constructor(
    private readonly world: World,
    private readonly store: S3Store,
  ) {}

  /** Called while the operation runs, so the sequencer and time are the operation's own. */
  emit(happened: Omit<ObjectEvent, 'sequencer' | 'eventTime'>): void {
    const event: ObjectEvent = { ...happened, sequencer: this.sequencer.next(), eventTime: new Date().toISOString() };
    const rules = this.store.bucket(event.bucket)?.notification?.rules ?? [];
    for (const rule of rules) {
      if (rule.kind !== 'lambda' || !firesFor(keyEventRule(rule), event.eventName, event.key)) continue;
      const chain = (event.caller.kind === 'role' ? event.caller.chain : 0) + 1;
      const delivery = { functionArn: rule.arn, payload: JSON.stringify({ Records: [eventRecord(event, rule.id)] }), chain };
      if (this.world.options.reorderEvents) this.hold(`${event.bucket}/${event.key}`, delivery);
      else setImmediate(() => this.deliver(delivery));
    }
  }

  /** Drops events still held for reordering: the sandbox is stopping. */
  close(): void {
    for (const { timer } of this.held.values()) clearTimeout(timer);
    this.held.clear();
  }

  private hold(objectId: string, delivery: Delivery): void {
    const burst = this.held.get(objectId);
    if (burst) {
      burst.deliveries.push(delivery);
      return;
    }
    const timer = setTimeout(() => {
      const deliveries = this.held.get(objectId)?.deliveries ?? [];
      this.held.delete(objectId);
      for (const d of deliveries.reverse()) this.deliver(d);
    }, REORDER_WINDOW_MS);
    timer.unref();
    this.held.set(objectId, { deliveries: [delivery], timer });
  }

  private deliver(delivery: Delivery): void {
    const copies = this.world.options.duplicateEvents ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      try {
        this.world.lambda.invokeAsync(delivery.functionArn, delivery.payload, delivery.chain);
      } catch (error) {
        // Delivery runs after the upload was answered: nobody is left to tell, and a failure must not stop the server.
        console.error(`[sandbox] s3: could not deliver an event to ${delivery.functionArn}:`, error);
      }
    }
  }
}
