import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createClients, type AwsClients } from '../../src/aws/clients.js';
import { sdkServices } from '../../src/aws/sdk-services.js';
import { buildLabContext, labNames } from '../../src/commands/lab-context.js';
import type { ValidOptions } from '../../src/commands/options.js';
import { systemClock } from '../../src/lab/clock.js';
import { StateStore } from '../../src/lab/state.js';

const SERVICES = ['s3', 'dynamodb', 'lambda', 'iam', 'logs', 'sts'] as const;

/** Real SDK clients (never called here), behind getters that note each time one is asked for. */
function countingClients(): { clients: AwsClients; built: string[] } {
  const real = createClients({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const built: string[] = [];
  const clients = { destroy: () => real.destroy() } as AwsClients;
  for (const name of SERVICES) {
    Object.defineProperty(clients, name, {
      get() {
        built.push(name);
        return real[name];
      },
    });
  }
  return { clients, built };
}

describe('the lab context', () => {
  const home = mkdtempSync(join(tmpdir(), 'upload-lab-context-'));
  after(() => rmSync(home, { recursive: true, force: true }));

  it('builds each SDK client on first use, once, and none while the context is built', () => {
    const { clients, built } = countingClients();
    const state = StateStore.open('aws', '123456789012', 'us-east-1', home);
    const options: ValidOptions = { timeoutMs: 1000, runtime: 'nodejs22.x' };
    const ctx = buildLabContext({
      options,
      services: sdkServices(clients),
      names: labNames(options, state.names, '123456789012', 'us-east-1'),
      onAws: true,
      state,
      clock: systemClock,
      awsCli: 'aws --region us-east-1',
      pollIntervalMs: 1000,
    });
    assert.deepEqual(built, []);
    assert.equal(typeof ctx.sts.callerIdentity, 'function');
    assert.equal(ctx.sts, ctx.sts);
    assert.deepEqual(built, ['sts']);
    void ctx.s3;
    assert.deepEqual(built, ['sts', 's3']);
    assert.equal(ctx.names.bucket, 'upload-lab-123456789012-us-east-1');
    clients.destroy();
  });
});
