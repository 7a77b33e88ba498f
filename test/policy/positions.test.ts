import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statementSpans } from '../../src/policy/positions.js';

describe('statementSpans', () => {
  it('places a single statement object as SimulatePrincipalPolicy did in the recorded case', () => {
    const text = '{"Version": "2012-10-17", "Statement": {"Sid": "", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}}';
    assert.deepEqual(statementSpans(text), [{ start: { Line: 1, Column: 41 }, end: { Line: 1, Column: 113 } }]);
  });

  it('places each statement of a list, across lines, ignoring braces inside strings and nested objects', () => {
    const text = [
      '{',
      '  "Id": "{not a statement}",',
      '  "Statement": [',
      '    {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/{x}\\"}"},',
      '    {"Effect": "Deny", "Action": "s3:*", "Resource": "*",',
      '     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}',
      '  ],',
      '  "Version": "2012-10-17"',
      '}',
    ].join('\n');
    const lines = text.split('\n');
    assert.deepEqual(statementSpans(text), [
      { start: { Line: 4, Column: 6 }, end: { Line: 4, Column: lines[3]!.lastIndexOf('}') + 2 } },
      { start: { Line: 5, Column: 6 }, end: { Line: 6, Column: lines[5]!.length + 1 } },
    ]);
  });
});
