import { authorizeCall, groupNameOf, groupResource, readGroupName, requireGroup, type LogsCall, type LogsOperation } from './operation.js';
import type { Params } from './params.js';
import type { GroupEntry } from './store.js';

/**
 * Tags of log groups, through both APIs AWS keeps: the older TagLogGroup family (by group name) and
 * TagResource family (by group ARN). Both see the same tags.
 */

type Target = (params: Params) => string;

const byName: Target = readGroupName;
const byArn: Target = (params) => groupNameOf(params.string('resourceArn', { required: true, min: 1, max: 1011 }));

function taggedGroup(call: LogsCall, name: string): GroupEntry {
  authorizeCall(call, groupResource(call.req.region, name));
  return requireGroup(call, name);
}

function tag(target: Target): LogsOperation {
  return (call) => {
    const name = target(call.params);
    const tags = call.params.stringMap('tags', { required: true, min: 1, max: 50 });
    call.params.done();
    const entry = taggedGroup(call, name);
    // fromEntries, not assignment: a tag key such as `__proto__` must stay a plain key.
    entry.group.tags = Object.fromEntries([...Object.entries(entry.group.tags), ...Object.entries(tags)]);
    call.store.changed();
    return {};
  };
}

function untag(target: Target, keysParam: string): LogsOperation {
  return (call) => {
    const name = target(call.params);
    const keys = call.params.stringList(keysParam, { required: true, min: 1, max: 50 });
    call.params.done();
    const entry = taggedGroup(call, name);
    entry.group.tags = Object.fromEntries(Object.entries(entry.group.tags).filter(([key]) => !keys.includes(key)));
    call.store.changed();
    return {};
  };
}

function list(target: Target): LogsOperation {
  return (call) => {
    const name = target(call.params);
    call.params.done();
    return { tags: taggedGroup(call, name).group.tags };
  };
}

export const tagOperations: Record<string, LogsOperation> = {
  TagLogGroup: tag(byName),
  UntagLogGroup: untag(byName, 'tags'),
  ListTagsLogGroup: list(byName),
  TagResource: tag(byArn),
  UntagResource: untag(byArn, 'tagKeys'),
  ListTagsForResource: list(byArn),
};
