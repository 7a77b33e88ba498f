import { AwsError } from '../../aws-error.js';
import { authorize } from '../../enforce.js';
import { authorizeCall, groupArn, groupResource, readGroupName, requireGroup, type LogsOperation } from './operation.js';
import type { StoredGroup } from './store.js';
import { paginate } from './tokens.js';

/** The only retention periods AWS accepts, in days. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const GROUP_CLASSES = ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'];

function describeGroup(group: StoredGroup): object {
  return {
    logGroupName: group.name,
    creationTime: group.creationTime,
    ...(group.retentionInDays !== undefined ? { retentionInDays: group.retentionInDays } : {}),
    metricFilterCount: 0,
    arn: groupResource(group.region, group.name),
    storedBytes: group.storedBytes,
    logGroupClass: group.logGroupClass,
    logGroupArn: groupArn(group.region, group.name),
    deletionProtectionEnabled: false,
  };
}

export const groupOperations: Record<string, LogsOperation> = {
  CreateLogGroup(call) {
    const p = call.params;
    const name = readGroupName(p);
    const tags = p.stringMap('tags', { min: 1, max: 50 });
    const logGroupClass = p.string('logGroupClass');
    if (logGroupClass !== undefined && !GROUP_CLASSES.includes(logGroupClass)) {
      p.violate('logGroupClass', logGroupClass, `Member must satisfy enum value set: [${GROUP_CLASSES.join(', ')}]`);
    }
    p.string('kmsKeyId', { max: 256 });
    p.done();
    authorizeCall(call, groupResource(call.req.region, name));
    // Tags given at creation are a second action, as on AWS.
    if (tags && Object.keys(tags).length > 0) authorize(call.world, call.req, 'logs:TagResource', groupResource(call.req.region, name));
    if (call.store.group(call.req.region, name)) {
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
    }
    call.store.createGroup(call.req.region, name, call.now, { tags, logGroupClass });
    return {};
  },

  DeleteLogGroup(call) {
    const name = readGroupName(call.params);
    call.params.done();
    authorizeCall(call, groupResource(call.req.region, name));
    call.store.deleteGroup(requireGroup(call, name));
    return {};
  },

  DescribeLogGroups(call) {
    const p = call.params;
    const prefix = p.string('logGroupNamePrefix', { min: 1, max: 512, pattern: '[\\.\\-_/#A-Za-z0-9]+' });
    const pattern = p.string('logGroupNamePattern', { max: 512, pattern: '[\\.\\-_/#A-Za-z0-9]*' });
    const limit = p.integer('limit', { min: 1, max: 50 }) ?? 50;
    const token = p.string('nextToken', { min: 1 });
    p.done();
    if (prefix !== undefined && pattern !== undefined) {
      throw new AwsError('InvalidParameterException', 'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
    }
    authorizeCall(call, groupArn(call.req.region, '*'));
    // The pattern is a case-sensitive substring search, as AWS documents it.
    const groups = call.store
      .groupsIn(call.req.region)
      .map((entry) => entry.group)
      .filter((g) => (prefix === undefined || g.name.startsWith(prefix)) && (pattern === undefined || g.name.includes(pattern)))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const { page, nextToken } = paginate(groups, (g) => [g.name], { token, limit });
    return { logGroups: page.map(describeGroup), ...(nextToken ? { nextToken } : {}) };
  },

  PutRetentionPolicy(call) {
    const p = call.params;
    const name = readGroupName(p);
    const days = p.integer('retentionInDays');
    if (days === undefined) p.violate('retentionInDays', null, 'Member must not be null');
    else if (!RETENTION_DAYS.includes(days)) p.violate('retentionInDays', days, `Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
    p.done();
    authorizeCall(call, groupResource(call.req.region, name));
    requireGroup(call, name).group.retentionInDays = days;
    call.store.changed();
    return {};
  },

  DeleteRetentionPolicy(call) {
    const name = readGroupName(call.params);
    call.params.done();
    authorizeCall(call, groupResource(call.req.region, name));
    delete requireGroup(call, name).group.retentionInDays;
    call.store.changed();
    return {};
  },
};
