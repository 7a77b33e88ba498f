# The lab's Lambda function in Python (runtime python3.13, handler `lambda_function.lambda_handler`),
# deployed by `upload-lab setup --runtime python3.13`: for every S3 upload in the event, store the
# object's metadata in the DynamoDB table named by the TABLE_NAME environment variable.
#
# It does what the lesson's handler does (same attributes and types, the key decoded with
# urllib.parse.unquote_plus, one "Saved metadata for <bucket>/<key>" line per item) with one difference,
# on purpose: the write is conditional on `sequencer` (see put_newer below), where the lesson's plain
# put_item lets a duplicate or late S3 event overwrite newer metadata. boto3 comes with the Lambda
# runtime, so the deployment zip holds only this file.
import json
import os
import urllib.parse

import boto3

# Created once, when Lambda loads the code: warm invocations reuse it and its connections.
# Region, credentials (and, in the sandbox, the endpoint) come from the function's environment.
dynamodb = boto3.resource("dynamodb")

# S3 delivers each event at least once and in no guaranteed order. For two events on the same key
# the greater `sequencer` is the later one (compare after right-padding the shorter with zeros, which
# DynamoDB's string comparison of S3's upper-case hex does). So: write when the key has no item yet,
# when the stored item has no sequencer, or when the stored one is older. The same event delivered
# twice is equal, not newer, and is not written again. The Node handler (src/handler/metadata.ts)
# has the same rule, with the longer reasoning.
NEWER_THAN_STORED = "attribute_not_exists(object_key) OR attribute_not_exists(sequencer) OR sequencer < :sequencer"
FIRST_FOR_KEY = "attribute_not_exists(object_key)"


def item_from_record(record):
    """The item for one record; None for a record that is not about an S3 object."""
    s3 = record.get("s3")
    if s3 is None:
        return None
    obj = s3["object"]
    item = {
        "bucket": s3["bucket"]["name"],
        # S3 URL-encodes keys in events: `+` is a space, `%XX` are UTF-8 bytes.
        "object_key": urllib.parse.unquote_plus(obj["key"]),
        "size": obj.get("size", 0),
        "etag": obj.get("eTag"),
        "event_time": record.get("eventTime"),
        "event_name": record.get("eventName"),
        "sequencer": obj.get("sequencer"),
    }
    # Deletes carry no size and no eTag; some event types carry no sequencer: store only what is there.
    return {name: value for name, value in item.items() if value is not None}


def put_newer(table, item):
    """True when written; False when the table already holds this event or a newer one for the key."""
    if "sequencer" in item:
        condition = {"ConditionExpression": NEWER_THAN_STORED, "ExpressionAttributeValues": {":sequencer": item["sequencer"]}}
    else:
        condition = {"ConditionExpression": FIRST_FOR_KEY}
    try:
        table.put_item(Item=item, **condition)
        return True
    except table.meta.client.exceptions.ConditionalCheckFailedException:
        return False


def lambda_handler(event, context):
    # Read on every invocation: a missing variable fails the invocation with KeyError: 'TABLE_NAME'
    # in the log, rather than the start of the execution environment.
    table = dynamodb.Table(os.environ["TABLE_NAME"])
    written = 0
    for record in event.get("Records", []):
        item = item_from_record(record)
        if item is None:
            continue
        where = f"{item['bucket']}/{item['object_key']}"
        if not put_newer(table, item):
            print(f"Skipped {where}: the table already holds this event or a newer one (sequencer {item.get('sequencer', 'none')})")
            continue
        print(f"Saved metadata for {where}")
        written += 1
    return {"statusCode": 200, "body": json.dumps({"written": written})}
