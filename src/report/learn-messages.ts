/** Every sentence `learn`, `quiz`, `progress` and `demo` show around the lesson's own text (lesson.json). */
export const learnMessages = {
  welcome: (title: string) => `Lesson: ${title}`,
  outcomesHeading: 'By the end you can:',
  resuming: (done: number, total: number) => `Welcome back: ${done} of ${total} parts done. Picking up where you stopped (upload-lab learn --reset starts over).`,
  partHeading: (title: string) => `── ${title} ──`,
  continue: 'Continue',
  next: 'Ready?',
  howPrompt: 'How do you want to do this part?',
  doItForMe: 'Do it for me',
  doItMyself: "I'll do it myself",
  whenDone: 'When you are done:',
  checkMyWork: 'Check my work',
  checkAgain: 'Check again',
  showSolution: 'Show the solution',
  letToolDoIt: 'Let upload-lab do it',
  didHeading: 'What upload-lab did:',
  keySchemaFixed: (problem: string) =>
    `${problem} A table's key schema cannot be changed once it is created: the fix is to delete the table and create it again with the right keys.`,
  wrongTablePrompt: 'What now?',
  deleteAndCreate: (table: string) => `Delete my table ${table} and create it right`,
  backToOptions: 'Go back to the options',
  confirmDelete: (table: string) => `Delete table ${table}? It is your table: its items go with it.`,
  keepTable: 'No, keep it',
  deleteTable: (table: string) => `Yes, delete ${table}`,
  tableDeleted: (table: string) => `Deleted table ${table}.`,
  deleteTableCommand: (table: string, region: string) =>
    `aws dynamodb delete-table --table-name ${table} --region ${region} && aws dynamodb wait table-not-exists --table-name ${table} --region ${region}`,
  sameWithCli: 'The same with the AWS CLI:',
  consoleHeading: 'In the console:',
  cliHeading: 'Or with the AWS CLI:',
  solutionHeading: 'The solution:',
  filesWritten: (dir: string) => `Files for these commands are in ${dir}`,
  // Both region variables: AWS CLI v1 reads only AWS_DEFAULT_REGION, v2 and the SDKs AWS_REGION.
  sandboxEndpoint: (endpoint: string, region: string) =>
    `The sandbox answers at ${endpoint}: in another terminal, export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=${region} AWS_DEFAULT_REGION=${region}, then run the commands below.`,
  // learn's own sandbox listens on a free port chosen at each start: printed commands name that port.
  inProcessSandbox:
    'The commands printed here work while this walk runs (its sandbox gets a new port each time learn starts). For a port that stays, run `npx upload-lab sandbox` in another terminal first: it serves on port 4566, and learn --local uses it.',
  partPassed: (title: string) => `PASS: ${title}`,
  partFailed: 'FAIL: not yet. Fix what the hint says, then check again.',
  uploadHeading: 'Uploading the test file; watch the function run:',
  logLine: (line: string) => `  log │ ${line}`,
  noLogLine: 'No log line arrived in time.',
  itemAppeared: 'The item appeared in the table:',
  keyNote: '(key)',
  checklistHeading: 'Your checklist:',
  checklistScore: (passed: number, total: number) => `Checklist ${passed}/${total}`,
  activityHeading: (title: string) => `── Activity: ${title} ──`,
  noItemToInspect: 'There is no saved item to inspect yet: the Part 5 upload has not saved one.',
  right: 'Right.',
  wrong: (expected: string) => `Not quite: the answer is ${expected}.`,
  score: (title: string, score: number, total: number) => `${title}: ${score}/${total}`,
  activityResuming: (answered: number, total: number) => `Welcome back: ${answered} of ${total} answered (kept). Going on with question ${answered + 1}.`,
  quizTitle: 'Knowledge check',
  quizHeading: '── Knowledge check ──',
  quizScore: (score: number, total: number) => `Score: ${score}/${total}`,
  finished: 'You finished the lesson.',
  nextSteps: (options: string) => [
    `See PutItem's overwrite risk live:  upload-lab demo overwrite ${options}`,
    `and events out of order:            upload-lab demo ordering ${options}`,
    `Where you are:                      upload-lab progress`,
    `Remove the lab when you are done:   upload-lab teardown ${options}`,
  ],
  interrupted: (command: string) => `Stopped. Your progress is saved: run upload-lab ${command} again to continue where you left off.`,
  noJson: 'upload-lab learn is an interactive walk: it prints no JSON.',
  noJsonFix: 'For JSON, use upload-lab progress --json (where you are) or upload-lab verify --json (the checklist).',
  otherTarget: (recorded: string, now: string) =>
    `Your progress was recorded with "${recorded || '(AWS defaults)'}", and this walk runs with "${now || '(AWS defaults)'}": the parts done there are not built here. upload-lab learn --reset starts over.`,
  reset: 'Progress cleared: the lesson starts from the beginning. (The lab itself is kept; upload-lab teardown removes it.)',
  noTerminal: (command: string) => `upload-lab ${command} asks you questions, so it needs a terminal, and there is none here.`,
  noTerminalFix: 'In scripts and CI, use `upload-lab setup` to build the lab and `upload-lab verify` to grade it (both take --json).',
  progressNone: 'You have not started the lesson yet: run upload-lab learn --local (or with your AWS options).',
  progressParts: (done: number, total: number) => `Parts done: ${done}/${total}`,
  // The last results, not the lab's state now: teardown since then leaves them as they were.
  progressChecks: (passed: number, total: number, checkedAt: string | null) =>
    checkedAt
      ? `Checks passed when last checked (${checkedAt.slice(0, 16).replace('T', ' ')} UTC): ${passed}/${total} (upload-lab verify checks the lab as it is now)`
      : `Checks passed: none checked yet`,
  readItemYourself: 'To read the item yourself with the AWS CLI:',
  progressActivity: (title: string, score: { score: number; total: number } | undefined) => `${title}: ${score ? `${score.score}/${score.total}` : 'not done yet'}`,
  progressNext: (title: string) => `Next: ${title} (upload-lab learn continues there)`,
  howWords: { read: 'read', tool: 'done by upload-lab', self: 'done by you, checked' } as const,
};

/** What `upload-lab demo` says around its result. */
export const demoMessages = {
  heading: (title: string) => `Demo: ${title}`,
  onYourLab: (conditional: string, plain: string, table: string) =>
    `On your lab, with real calls: ${conditional} (the lab's handler: conditional write on sequencer) and ${plain} (the lesson's plain PutItem, deployed for this demo), both writing to ${table}, each on a key of its own.`,
  deliveriesHeading: 'The same S3 events, delivered to both functions in this order:',
  sequencersHeading: "Sequencers of the key's uploads (the greater is the later; right-pad the shorter with zeros, then compare):",
  padded: (padded: string) => `(padded: ${padded}) `,
  laterThan: (previous: string) => `later than ${previous}`,
  earlierThan: (previous: string) => `earlier than ${previous}`,
  columns: ['delivery', 'plain PutItem', 'conditional write'] as const,
  cell: (written: boolean, holds: string | null) => `${written ? 'written' : 'refused'}, holds ${holds ?? 'nothing'}`,
  resultHeading: 'Result:',
  kept: (writer: string, holds: string | null, newest: string, keptNewest: boolean) =>
    `${writer}: kept ${holds ?? 'nothing'}${keptNewest ? ', the newest' : `, not the newest (${newest})`}`,
  lesson: 'PutItem replaces whatever the key holds; the condition `sequencer < :sequencer` (or no item yet) lets DynamoDB refuse repeated and late events, atomically.',
  cleanedUp: (count: number) => `Cleaned up: removed the demo's function, its log group and ${count} items.`,
  confirm: 'The demo creates a second Lambda function in your AWS account for a few seconds, then removes it. Go ahead? [y/N] ',
};
