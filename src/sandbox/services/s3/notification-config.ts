import { randomUUID } from 'node:crypto';
import { rulesOverlap, type KeyEventRule } from '../../../aws-rules/notifications.js';
import { AwsError } from '../../aws-error.js';
import { asArray } from '../../xml.js';
import { asRecord, asText, malformedXml } from './xml-input.js';

export type DestinationKind = 'topic' | 'queue' | 'lambda';

export interface FilterRule {
  Name: 'Prefix' | 'Suffix';
  Value: string;
}

/** One destination configuration, as stored (the wire's element names live in WIRE). */
export interface NotificationRule {
  kind: DestinationKind;
  id: string;
  arn: string;
  events: string[];
  filterRules: FilterRule[];
}

export interface NotificationConfig {
  rules: NotificationRule[];
  eventBridge: boolean;
}

/** The XML names: the SDK's LambdaFunctionConfigurations travel as `CloudFunctionConfiguration` / `CloudFunction`. */
const WIRE: Record<DestinationKind, { element: string; arn: string; arnPattern: RegExp }> = {
  topic: { element: 'TopicConfiguration', arn: 'Topic', arnPattern: /^arn:[a-z-]+:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/ },
  queue: { element: 'QueueConfiguration', arn: 'Queue', arnPattern: /^arn:[a-z-]+:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/ },
  lambda: {
    element: 'CloudFunctionConfiguration',
    arn: 'CloudFunction',
    arnPattern: /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:(\$LATEST|[A-Za-z0-9_-]+))?$/,
  },
};

const KINDS = Object.keys(WIRE) as DestinationKind[];

/** The event types S3 can publish; a configuration naming any other is refused. */
const EVENT_TYPES = new Set([
  's3:ObjectCreated:*', 's3:ObjectCreated:Put', 's3:ObjectCreated:Post', 's3:ObjectCreated:Copy', 's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*', 's3:ObjectRemoved:Delete', 's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*', 's3:ObjectRestore:Post', 's3:ObjectRestore:Completed', 's3:ObjectRestore:Delete',
  's3:ReducedRedundancyLostObject',
  's3:Replication:*', 's3:Replication:OperationFailedReplication', 's3:Replication:OperationMissedThreshold',
  's3:Replication:OperationReplicatedAfterThreshold', 's3:Replication:OperationNotTracked',
  's3:LifecycleExpiration:*', 's3:LifecycleExpiration:Delete', 's3:LifecycleExpiration:DeleteMarkerCreated',
  's3:LifecycleTransition', 's3:IntelligentTiering',
  's3:ObjectTagging:*', 's3:ObjectTagging:Put', 's3:ObjectTagging:Delete',
  's3:ObjectAcl:Put',
]);

/**
 * Reads a `<NotificationConfiguration>` body into rules, as S3 accepts it: ids generated when
 * absent, filter rule names normalised (`prefix`, `PREFIX` -> `Prefix`), ARNs parsed, event types
 * known, and no two rules sharing an event type for keys both could match.
 */
export function parseNotificationConfig(body: Record<string, unknown>): NotificationConfig {
  // S3 validates the body against its schema: an element it does not know is MalformedXML, not ignored.
  const known = new Set([...KINDS.map((k) => WIRE[k].element), 'EventBridgeConfiguration']);
  if (Object.keys(body).some((name) => !known.has(name))) throw malformedXml();
  const rules: NotificationRule[] = [];
  for (const kind of KINDS) {
    const elements = body[WIRE[kind].element];
    // Unlike asArray, keep an empty element: a configuration without its ARN and events is malformed.
    const list = elements === undefined ? [] : Array.isArray(elements) ? elements : [elements];
    for (const element of list) rules.push(parseRule(kind, asRecord(element)));
  }
  rejectOverlaps(rules);
  return { rules, eventBridge: 'EventBridgeConfiguration' in body };
}

function parseRule(kind: DestinationKind, element: Record<string, unknown>): NotificationRule {
  const wire = WIRE[kind];
  const arn = asText(element[wire.arn]);
  const events = asArray(element.Event as unknown).map(asText) as string[];
  if (arn === undefined || events.length === 0) throw malformedXml();
  // The ARN's syntax is checked even when destination validation is skipped.
  if (!wire.arnPattern.test(arn)) {
    throw new AwsError('InvalidArgument', 'The ARN could not be parsed', 400, { fields: { ArgumentName: wire.arn, ArgumentValue: arn } });
  }
  for (const event of events) {
    if (!EVENT_TYPES.has(event)) {
      throw new AwsError('InvalidArgument', 'The event is not supported for notifications', 400, { fields: { ArgumentName: 'Event', ArgumentValue: event } });
    }
  }
  return { kind, id: asText(element.Id) || generatedId(), arn, events, filterRules: parseFilter(element.Filter) };
}

/** AWS generates an opaque id; a base64 UUID looks like its own. */
function generatedId(): string {
  return Buffer.from(randomUUID()).toString('base64');
}

function parseFilter(filter: unknown): FilterRule[] {
  if (filter === undefined) return [];
  const rules = asArray(asRecord(asRecord(filter).S3Key).FilterRule as unknown).map((r) => {
    const rule = asRecord(r);
    const name = (asText(rule.Name) ?? '').toLowerCase();
    if (name !== 'prefix' && name !== 'suffix') {
      throw new AwsError('InvalidArgument', 'filter rule name must be either prefix or suffix', 400, {
        fields: { ArgumentName: 'FilterRule.Name', ArgumentValue: asText(rule.Name) ?? '' },
      });
    }
    return { Name: name === 'prefix' ? 'Prefix' : 'Suffix', Value: asText(rule.Value) ?? '' } satisfies FilterRule;
  });
  for (const name of ['Prefix', 'Suffix'] as const) {
    if (rules.filter((r) => r.Name === name).length > 1) {
      throw new AwsError('InvalidArgument', `Cannot specify more than one ${name.toLowerCase()} rule in a filter.`, 400, {
        fields: { ArgumentName: 'FilterRule.Name', ArgumentValue: name.toLowerCase() },
      });
    }
  }
  return rules;
}

function filterValue(rule: NotificationRule, name: FilterRule['Name']): string {
  return rule.filterRules.find((r) => r.Name === name)?.Value ?? '';
}

/** What decides which uploads a rule fires for. */
export function keyEventRule(rule: NotificationRule): KeyEventRule {
  return { events: rule.events, prefix: filterValue(rule, 'Prefix'), suffix: filterValue(rule, 'Suffix') };
}

function rejectOverlaps(rules: NotificationRule[]): void {
  const filters = rules.map(keyEventRule);
  for (let i = 0; i < filters.length; i++) {
    for (let j = i + 1; j < filters.length; j++) {
      if (rulesOverlap(filters[i]!, filters[j]!)) {
        throw new AwsError('InvalidArgument', 'Configurations overlap. Configurations on the same bucket cannot share a common event type.', 400);
      }
    }
  }
}

/** The configuration as GetBucketNotificationConfiguration answers it. */
export function notificationXml(config: NotificationConfig | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const kind of KINDS) {
    const rules = config?.rules.filter((r) => r.kind === kind) ?? [];
    if (!rules.length) continue;
    body[WIRE[kind].element] = rules.map((r) => ({
      Id: r.id,
      [WIRE[kind].arn]: r.arn,
      Event: r.events,
      ...(r.filterRules.length ? { Filter: { S3Key: { FilterRule: r.filterRules } } } : {}),
    }));
  }
  if (config?.eventBridge) body.EventBridgeConfiguration = '';
  return body;
}
