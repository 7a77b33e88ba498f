import { randomUUID } from 'node:crypto';
import { firesFor } from '../../../aws-rules/notifications.js';
import { RECORDS, type StateDb } from '../../state-db.js';
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
 * Turns object events into Lambda invocations, per the bucket's notification configuration.
 *
 * Deliveries are at least once, as S3 promises: each event is handed to Lambda's queue of
 * asynchronous invocations in the same turn as the change that caused it, so the invocation's record
 * is saved in the same write as the change (before the upload is answered), and Lambda's queue keeps
 * it from then on, until the function has run, with its retries. Only `reorderEvents`, which holds a
 * burst in memory first, saves the event as S3's own delivery record, removed in the same write as
 * the invocation Lambda queues for it: one record at a time stands for an event, so a restart runs it
 * once, not once from each. A sandbox killed before that hand-over delivers it again at its next
 * start (`resume`). (Handing every event over through a delivery record cost each upload a second
 * commit before its function could run.)
 *
 * Delivery waits until the change is saved (an upload never waits for its trigger), and can be made
 * as unreliable as S3's at-least-once, unordered delivery: `duplicateEvents` sends each event twice,
 * `reorderEvents` holds a key's burst briefly and sends it in reverse.
 * Queue and topic destinations are stored but receive nothing: the sandbox has no SQS or SNS.
 */
export class EventDispatcher {
  private readonly held = new Map<string, { deliveries: [string, Delivery][]; timer: NodeJS.Timeout }>();
  private readonly sequencer = new Sequencer();
  /** Deliveries a previous run saved and did not finish, until `resume`. */
  private readonly unfinished: [string, Delivery][];

  constructor(
    private readonly world: World,
    private readonly store: S3Store,
  ) {
    this.unfinished = world.state.take<Delivery>(RECORDS.s3Deliveries);
  }

  private get state(): StateDb {
    return this.world.state;
  }

  /** Called while the operation runs, so the sequencer and time are the operation's own. */
  emit(happened: Omit<ObjectEvent, 'sequencer' | 'eventTime'>): void {
    const event: ObjectEvent = { ...happened, sequencer: this.sequencer.next(), eventTime: new Date().toISOString() };
    const rules = this.store.bucket(event.bucket)?.notification?.rules ?? [];
    for (const rule of rules) {
      if (rule.kind !== 'lambda' || !firesFor(keyEventRule(rule), event.eventName, event.key)) continue;
      const chain = (event.caller.kind === 'role' ? event.caller.chain : 0) + 1;
      const delivery: Delivery = { functionArn: rule.arn, payload: JSON.stringify({ Records: [eventRecord(event, rule.id)] }), chain };
      if (!this.world.options.reorderEvents) {
        this.handOver(delivery);
        continue;
      }
      // Saved in sequencer order, so a resumed queue runs in the order the events happened.
      const id = `${event.sequencer}-${randomUUID()}`;
      this.state.put(RECORDS.s3Deliveries + id, delivery);
      this.state.afterCommit(() => this.hold(`${event.bucket}/${event.key}`, id, delivery));
    }
  }

  /** Delivers what the previous run saved and did not finish; called once the sandbox serves (functions need its endpoint). */
  resume(): void {
    for (const [id, delivery] of this.unfinished.splice(0)) this.deliver(id, delivery);
  }

  /** Drops events still held for reordering: the sandbox is stopping (they stay saved, for the next start). */
  close(): void {
    for (const { timer } of this.held.values()) clearTimeout(timer);
    this.held.clear();
  }

  private hold(objectId: string, id: string, delivery: Delivery): void {
    const burst = this.held.get(objectId);
    if (burst) {
      burst.deliveries.push([id, delivery]);
      return;
    }
    const timer = setTimeout(() => {
      const deliveries = this.held.get(objectId)?.deliveries ?? [];
      this.held.delete(objectId);
      for (const [heldId, d] of deliveries.reverse()) this.deliver(heldId, d);
    }, REORDER_WINDOW_MS);
    timer.unref();
    this.held.set(objectId, { deliveries: [[id, delivery]], timer });
  }

  /** Hands a saved delivery to Lambda's queue: the invocations it saves and this removal are staged in one turn, so they land in one commit. */
  private deliver(id: string, delivery: Delivery): void {
    this.handOver(delivery);
    this.state.del(RECORDS.s3Deliveries + id);
  }

  /** Queues the event's invocations (saved by Lambda's queue in the commit of what is staged now; they run once it is on disk). */
  private handOver(delivery: Delivery): void {
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
