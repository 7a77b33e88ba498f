import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { networkFailure } from '../../src/aws/network-errors.js';
import { toLabError } from '../../src/errors.js';

const errno = (code: string, extra: object = {}) => Object.assign(new Error(`${code} something`), { code, ...extra });

describe('credential failures', () => {
  test('an expired SSO session says to run aws sso login with the profile', () => {
    const sso = Object.assign(new Error('The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.'), { name: 'CredentialsProviderError' });
    const error = toLabError(sso, 'sts:GetCallerIdentity', { profile: 'learner' });
    assert.equal(error.code, 'SsoSessionExpired');
    assert.match(error.fix ?? '', /^Run `aws sso login --profile learner`/);
  });

  test('no credentials at all offers --local', () => {
    const none = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const error = toLabError(none);
    assert.equal(error.code, 'NoCredentials');
    assert.match(error.fix ?? '', /--local/);
  });
});

describe('network failures (src/aws/network-errors.ts), by Node error code', () => {
  const cases: [string, Error, string][] = [
    ['DNS', errno('ENOTFOUND'), 'DnsFailure'],
    ['DNS, temporary', errno('EAI_AGAIN'), 'DnsFailure'],
    ['refused', errno('ECONNREFUSED'), 'ConnectionRefused'],
    ['no route', errno('ENETUNREACH'), 'NoRoute'],
    ['reset', errno('ECONNRESET'), 'ConnectionReset'],
    ['untrusted certificate', errno('SELF_SIGNED_CERT_IN_CHAIN'), 'TlsFailure'],
    ['TLS handshake', errno('EPROTO'), 'TlsFailure'],
    ['connection timeout', Object.assign(new Error('did not establish a connection'), { name: 'TimeoutError' }), 'ConnectTimeout'],
    ['request timeout', Object.assign(new Error('exceeded requestTimeout'), { name: 'TimeoutError', code: 'ETIMEDOUT' }), 'EndpointSilent'],
    ['our per-call bound', Object.assign(new Error('aborted'), { name: 'AbortError' }), 'EndpointSilent'],
  ];
  for (const [what, error, code] of cases) {
    test(what, () => {
      const failure = networkFailure(error, 'sts.us-east-1.amazonaws.com', 2000);
      assert.equal(failure?.code, code);
      assert.match(failure!.message, /sts\.us-east-1\.amazonaws\.com/);
      assert.match(failure!.fix ?? '', /--local/);
      assert.equal(failure!.exitCode, 1);
    });
  }

  test('anything else is not a network failure', () => {
    assert.equal(networkFailure(Object.assign(new Error('x'), { name: 'ValidationException' }), 'h', 1000), undefined);
  });
});
