import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClients, type AwsClients } from '../../src/aws/clients.js';
import type { SandboxOptions } from '../../src/sandbox/options.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import type { RoleView } from '../../src/sandbox/world.js';

export const TEST_CREDENTIALS = { accessKeyId: 'AKIATESTLEARNER00000', secretAccessKey: 'test-secret-not-real' };

/** A role for test worlds that stand in for IAM: role sessions stay valid only while IAM knows their role. */
export const LAB_ROLE: RoleView = {
  name: 'lab-role',
  roleId: 'AROALABROLE000000000',
  arn: 'arn:aws:iam::000000000000:role/lab-role',
  createdAt: 0,
  trustPolicy: { Version: '2012-10-17', Statement: [] },
};

export const labRoleByArn = (arn: string): RoleView | undefined => (arn === LAB_ROLE.arn ? LAB_ROLE : undefined);

export interface TestSandbox {
  sandbox: Sandbox;
  endpoint: string;
  dataDir: string;
  clients: AwsClients;
  clientsIn(region: string): AwsClients;
  /** Stops the sandbox; removes its data dir unless `keepData`. */
  stop(keepData?: boolean): Promise<void>;
}

/** A sandbox on a free loopback port with its own temporary data dir, and real SDK clients pointed at it. */
export async function startTestSandbox(overrides: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'upload-lab-test-'));
  const sandbox = await startSandbox({ port: 0, functionUpdateMs: 20, asyncRetryDelaysMs: [50, 100], ...overrides, dataDir });
  const clientsIn = (region: string) =>
    createClients({ region, endpoint: sandbox.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  return {
    sandbox,
    endpoint: sandbox.endpoint,
    dataDir,
    clients: clientsIn('us-east-1'),
    clientsIn,
    async stop(keepData = false) {
      await sandbox.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
