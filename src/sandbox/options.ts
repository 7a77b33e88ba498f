/** Switches that make the sandbox behave like AWS in its inconvenient ways; documented in docs/sandbox.md. */
export interface SandboxOptions {
  /** Where state lives; every service keeps its files below it. */
  dataDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** DynamoDB CreateTable/DeleteTable/UpdateTable: how long a table stays CREATING/DELETING/UPDATING. */
  tableDelayMs: number;
  /** How long a just-created role "cannot be assumed by Lambda" (CreateFunction fails with InvalidParameterValueException). */
  rolePropagationMs: number;
  /** How long a function stays Pending after CreateFunction and InProgress after an update. */
  functionUpdateMs: number;
  /** Delays before the two retries of a failed asynchronous invocation (AWS: about 1 and 2 minutes). */
  asyncRetryDelaysMs: [number, number];
  /** Deliver every S3 event twice, as S3's at-least-once delivery sometimes does. */
  duplicateEvents: boolean;
  /** Deliver the events of a burst in reverse order, as concurrent deliveries sometimes arrive. */
  reorderEvents: boolean;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
}

export const DEFAULT_PORT = 4566;

export function defaultSandboxOptions(dataDir: string): SandboxOptions {
  return {
    dataDir,
    host: '127.0.0.1',
    port: DEFAULT_PORT,
    tableDelayMs: 0,
    rolePropagationMs: 0,
    functionUpdateMs: 100,
    asyncRetryDelaysMs: [1000, 2000],
    duplicateEvents: false,
    reorderEvents: false,
    maxBodyBytes: 64 * 1024 * 1024,
  };
}
