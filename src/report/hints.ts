import type { AttributeProblem, MetadataAttribute } from '../lab/probe.js';
import { languageOf, type Language } from '../lab/runtimes.js';

/**
 * Hints for the failures `verify` tells apart, with the learner's real names filled in, in the
 * learner's language (from the function's Runtime: Python, the lesson's, or Node.js; both when
 * unknown), and in both a console form and an AWS CLI form.
 */

export interface FunctionCode {
  name: string;
  runtime: string | undefined;
  /** `lambda_function.lambda_handler`: the file to edit is named by its module part. */
  handler: string | undefined;
}

/** Where each attribute comes from in the event record, as each language writes it. */
const SOURCE: Record<Language, Record<MetadataAttribute | 'key', string>> = {
  python: {
    key: "urllib.parse.unquote_plus(record['s3']['object']['key'])",
    size: "record['s3']['object']['size']",
    etag: "record['s3']['object']['eTag']",
    event_time: "record['eventTime']",
    event_name: "record['eventName']",
    sequencer: "record['s3']['object']['sequencer']",
  },
  node: {
    key: "decodeURIComponent(record.s3.object.key.replace(/\\+/g, ' '))",
    size: 'record.s3.object.size',
    etag: 'record.s3.object.eTag',
    event_time: 'record.eventTime',
    event_name: 'record.eventName',
    sequencer: 'record.s3.object.sequencer',
  },
};

function languages(fn: FunctionCode): Language[] {
  const language = languageOf(fn.runtime);
  return language ? [language] : ['python', 'node'];
}

function fileOf(fn: FunctionCode, language: Language): string {
  const module = fn.handler?.slice(0, fn.handler.lastIndexOf('.')) || (language === 'python' ? 'lambda_function' : 'index');
  return language === 'python' ? `${module}.py` : `${module}.mjs (or .js)`;
}

/** How to deploy the corrected file: console and AWS CLI. */
function deployForms(fn: FunctionCode): string {
  const files = languages(fn).map((l) => fileOf(fn, l).split(' ')[0]!);
  return (
    `Console: Lambda > Functions > ${fn.name} > Code, edit ${files.join(' or ')}, then Deploy. ` +
    `AWS CLI: \`zip function.zip ${files[0]} && aws lambda update-function-code --function-name ${fn.name} --zip-file fileb://function.zip\`.`
  );
}

/** In each language: the line to write, and the file it goes in. */
function codeLines(fn: FunctionCode, line: (language: Language) => string): string {
  return languages(fn)
    .map((l) => `${l === 'python' ? 'Python' : 'Node.js'} (${fileOf(fn, l)}): \`${line(l)}\``)
    .join('; ');
}

export function undecodedKeyHint(fn: FunctionCode): string {
  return (
    'S3 puts keys into events URL-encoded (a space arrives as +, ü as %C3%BC): decode the key before storing it. ' +
    `${codeLines(fn, (l) => `${l === 'python' ? 'key' : 'const key'} = ${SOURCE[l].key}`)}. ${deployForms(fn)}`
  );
}

export function attributeHint(fn: FunctionCode, problem: AttributeProblem): string {
  const { attribute } = problem;
  const store = codeLines(fn, (l) =>
    // Node.js: the DocumentClient (lib-dynamodb) form; the raw client wraps values as { N: ... } / { S: ... }.
    l === 'python' ? `'${attribute}': ${SOURCE.python[attribute]}` : `${attribute}: ${SOURCE.node[attribute]}`,
  );
  const lead =
    problem.kind === 'missing'
      ? `Add ${attribute} to the item`
      : problem.kind === 'value'
        ? `Store the event's own ${attribute}`
        : attribute === 'size'
          ? 'Store size as a Number (N), not a String: pass the event\'s number as it is (boto3 and the DocumentClient write it as N; the raw client needs { N: String(size) }, not { S: ... })'
          : `Store ${attribute} as a String (S), as the event gives it`;
  return `${lead}. ${store}. ${deployForms(fn)}`;
}

/** One problem of an item, as a clause: `has size as S "56", where it should be a Number (N)`. */
export function describeProblem(problem: AttributeProblem): string {
  switch (problem.kind) {
    case 'missing':
      return `has no ${problem.attribute}`;
    case 'type':
      return `has ${problem.attribute} as ${problem.found} ${JSON.stringify(problem.value)}, where it should be ${problem.attribute === 'size' ? 'a Number (N)' : 'a String (S)'}`;
    case 'value':
      return `has ${problem.attribute} ${JSON.stringify(problem.value)}, where the event says ${JSON.stringify(problem.expected)}`;
  }
}

/** How to change a notification rule's prefix to incoming/, in the console and with the AWS CLI. */
function rulePrefixForms(bucket: string, ruleId: string): string {
  return (
    `Console: S3 > ${bucket} > Properties > Event notifications > ${ruleId || 'the rule'} > Edit, Prefix incoming/. ` +
    `AWS CLI: \`aws s3api get-bucket-notification-configuration --bucket ${bucket} > notification.json\`, set that rule's Filter to ` +
    `{"Key": {"FilterRules": [{"Name": "Prefix", "Value": "incoming/"}]}}, then \`aws s3api put-bucket-notification-configuration --bucket ${bucket} --notification-configuration file://notification.json\`.`
  );
}

/** A rule with no prefix: it fires for the whole bucket (only filtered by its suffix, if any). */
export function noPrefixWarning(bucket: string, ruleId: string, suffix: string): string {
  const scope = suffix ? `every upload ending in "${suffix}" anywhere in ${bucket}` : `every upload anywhere in ${bucket}`;
  return `rule ${ruleId} has no prefix${suffix ? ` (only the suffix "${suffix}")` : ''}, so it fires for ${scope}, not only under incoming/ (a function that wrote into the bucket would trigger itself). ${rulePrefixForms(bucket, ruleId)}`;
}

/** A prefix such as `incoming`: it matches more than the folder. */
export function slashlessPrefixWarning(bucket: string, ruleId: string, prefix: string): string {
  return `rule ${ruleId} has the prefix "${prefix}" without the slash, so it also fires for keys such as ${prefix}-old/x.txt or ${prefix}.txt, outside the incoming/ folder. ${rulePrefixForms(bucket, ruleId)}`;
}
