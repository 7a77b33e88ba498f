#!/usr/bin/env node
// The entry point stays tiny: commander only. Each command's module, and with it the AWS SDK and the
// sandbox, loads inside its action, so `upload-lab --help` starts in tens of milliseconds.
import { Argument, Command, CommanderError, Option } from 'commander';
import type { CommandIO } from './commands/run-command.js';
import { OPTION_ENV } from './sandbox/index.js';
import { DEFAULT_ENDPOINT, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_TIMEOUT_SECONDS, toolVersion } from './common/defaults.js';

// `upload-lab verify | head` closes our stdout early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

const io: CommandIO = {
  out: process.stdout,
  err: process.stderr,
  env: process.env,
  confirm: process.stdin.isTTY && process.stdout.isTTY ? askYesNo : undefined,
  prompter: process.stdin.isTTY && process.stdout.isTTY ? async () => (await import('./learn/prompter.js')).clackPrompter() : undefined,
};

async function askYesNo(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

/** The options setup, verify and teardown share (DESIGN.md's interface contract). */
function labCommand(program: Command, name: string, description: string, examples: string[]): Command {
  return program
    .command(name)
    .description(description)
    .option('--local', 'use the built-in sandbox (started in this process, or the `upload-lab sandbox` already running)')
    .option('--data-dir <dir>', 'the sandbox data dir for --local (default: ~/.upload-lab/sandbox)')
    .option('--endpoint-url <url>', `use an AWS-compatible endpoint, e.g. ${DEFAULT_ENDPOINT}`)
    .option('--region <region>', 'AWS region (default: AWS_REGION, else your profile\'s region)')
    .option('--profile <name>', 'named profile from ~/.aws/config (default: the default credential chain)')
    .option('--bucket <name>', 'the S3 bucket (default: upload-lab-<account>-<region>)')
    .option('--table <name>', 'the DynamoDB table (default: upload_metadata)')
    .option('--function <name>', 'the Lambda function (default: upload-lab-metadata)')
    .option('--timeout <seconds>', 'how long to wait for each slow thing (a role to propagate, a log line)', String(DEFAULT_TIMEOUT_SECONDS))
    .option('--yes', 'do not ask before changing a real AWS account')
    .option('--json', 'print one JSON object instead of text')
    .option('--debug', 'show stack traces')
    .addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
}

const RUNTIME_HELP = "the runtime of the lab's handler: nodejs22.x (default) or python3.13, the lesson's language";

const program = new Command('upload-lab')
  .description('Build, verify and tear down the lab "save S3 upload metadata from a Lambda function into DynamoDB", on AWS or in a built-in offline sandbox.')
  .version(toolVersion())
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .addHelpText(
    'after',
    '\nStart here:\n  $ npx upload-lab learn --local      learn the lab step by step: why each part, do it yourself or let the tool, activities, quiz\n' +
      '  $ npx upload-lab setup --local      build and test the whole lab offline\n  $ npx upload-lab verify --local     grade it\n  $ npx upload-lab teardown --local   remove it\n',
  );

labCommand(program, 'learn', 'Walk the lesson interactively: what each part is for, do it yourself (upload-lab checks just that step) or let upload-lab do it, watch the test upload live, then the activities and the quiz. Resumes where you stopped.', [
  'npx upload-lab learn --local',
  'npx upload-lab learn --region eu-west-1',
  'npx upload-lab learn --local --reset',
])
  .option('--reset', 'forget your progress and start the lesson over (the lab itself is kept)')
  .option('--runtime <runtime>', RUNTIME_HELP)
  .action(async (options) => {
    const { learn } = await import('./commands/learn.js');
    process.exitCode = await learn(options, io);
  });

labCommand(program, 'demo', "Show PutItem's overwrite risk live on your lab: the lesson's plain PutItem (a second function, removed at the end) and the lab's conditional write on sequencer get the same S3 events: an upload repeated and delivered twice (overwrite), or events out of order (ordering).", [
  'npx upload-lab demo overwrite --local',
  'npx upload-lab demo ordering --local --json',
])
  .addArgument(new Argument('<demo>', 'which demonstration').choices(['overwrite', 'ordering']))
  .action(async (name, options) => {
    const { demo } = await import('./commands/demo.js');
    process.exitCode = await demo(name, options, io);
  });

program
  .command('quiz')
  .description('The lesson\'s knowledge check on its own: one question at a time, an explanation after each, your score at the end.')
  .option('--debug', 'show stack traces')
  .action(async (options) => {
    const { quiz } = await import('./commands/learn.js');
    process.exitCode = await quiz(options, io);
  });

program
  .command('progress')
  .description('Where you are in the lesson: parts done, checks passed, activity and quiz scores.')
  .option('--json', 'print one JSON object instead of text')
  .action(async (options) => {
    const { progress } = await import('./commands/progress.js');
    process.exitCode = await progress(options, io);
  });

labCommand(program, 'setup', 'Create every piece of the lab (bucket, table, role, function, trigger), step by step along the checklist, then prove it works with a test upload.', [
  'npx upload-lab setup --local',
  'npx upload-lab setup --region eu-west-1 --profile learner',
  'npx upload-lab setup --local --runtime python3.13',
  'npx upload-lab setup --bucket my-existing-bucket --yes --json',
])
  .option('--runtime <runtime>', RUNTIME_HELP)
  .action(async (options) => {
    const { setup } = await import('./commands/setup.js');
    process.exitCode = await setup(options, io);
  });

labCommand(program, 'verify', 'Grade the lab as it stands, whoever built it: one line per checklist item, with a hint for each failure. Invokes the function once with a test event and uploads incoming/notes.txt.', [
  'npx upload-lab verify --local',
  'npx upload-lab verify --bucket my-bucket --function my-fn',
  'npx upload-lab verify --bucket my-bucket --no-upload --json',
])
  .option('--no-upload', 'do not upload incoming/notes.txt; grade the logs and item already there')
  .action(async (options) => {
    const { verify } = await import('./commands/verify.js');
    process.exitCode = await verify(options, io);
  });

labCommand(program, 'teardown', 'Remove what the lab created (recorded when setup created it), in reverse order, and nothing else: a bucket you brought is kept.', [
  // The --local form first: it is what a learner without an AWS account can run as shown.
  'npx upload-lab teardown --local --dry-run',
  'npx upload-lab teardown --local',
  'npx upload-lab teardown --region eu-west-1 --yes',
])
  .option('--dry-run', 'list what would be removed, change nothing')
  .action(async (options) => {
    const { teardown } = await import('./commands/teardown.js');
    process.exitCode = await teardown(options, io);
  });

program
  .command('policy')
  .description('Print the IAM policy an identity needs to run upload-lab on a real account (every action it calls), ready to attach; the README lists what each action is for.')
  .addHelpText('after', '\nExamples:\n  $ npx upload-lab policy > upload-lab-policy.json\n  $ aws iam put-user-policy --user-name learner --policy-name upload-lab --policy-document file://upload-lab-policy.json\n')
  .action(async () => {
    const { policy } = await import('./commands/policy.js');
    process.exitCode = policy(io);
  });

program
  .command('sandbox')
  .description('Serve the local AWS-compatible sandbox (S3, DynamoDB, Lambda, IAM, CloudWatch Logs, STS) in the foreground, for the AWS CLI and SDKs; Ctrl+C stops it.')
  .addOption(new Option('--port <port>', 'port to listen on (0: any free port)').default(String(DEFAULT_PORT)))
  .option('--host <host>', 'loopback address to listen on', DEFAULT_HOST)
  .option('--data-dir <dir>', 'where the sandbox keeps its state (default: ~/.upload-lab/sandbox)')
  .option('--debug', 'show stack traces')
  .addHelpText(
    'after',
    `\nExamples:\n  $ npx upload-lab sandbox\n  $ npx upload-lab sandbox --port 4567 --data-dir ./sandbox-data\n  $ aws --endpoint-url ${DEFAULT_ENDPOINT} s3 ls   # in another terminal\n` +
      '  $ UPLOAD_LAB_SANDBOX_ROLE_PROPAGATION_MS=8000 npx upload-lab sandbox   # a new role is unusable for 8 s, as on AWS\n' +
      `\nAWS's inconvenient behaviours, off by default (also read by every --local command; see docs/sandbox.md):\n${Object.keys(OPTION_ENV).map((name) => `  ${name}`).join('\n')}\n`,
  )
  .action(async (options) => {
    const { sandbox } = await import('./commands/sandbox.js');
    const stopped = new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    process.exitCode = await sandbox(options, io, stopped);
  });

try {
  await program.parseAsync();
} catch (error) {
  // Commander has already printed its message (unknown option, missing value...): a usage error.
  if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? 0 : 2;
  else {
    // Commands report their own failures; reaching here is a bug in the tool.
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\nfix: rerun with --debug and report the stack trace.\n`);
    if (process.argv.includes('--debug') && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  }
}
