import { createRequire } from 'node:module';

/** The AWS SDK client packages the CLI sends commands with. */
interface SdkPackages {
  '@aws-sdk/client-cloudwatch-logs': typeof import('@aws-sdk/client-cloudwatch-logs');
  '@aws-sdk/client-dynamodb': typeof import('@aws-sdk/client-dynamodb');
  '@aws-sdk/client-iam': typeof import('@aws-sdk/client-iam');
  '@aws-sdk/client-lambda': typeof import('@aws-sdk/client-lambda');
  '@aws-sdk/client-s3': typeof import('@aws-sdk/client-s3');
  '@aws-sdk/client-sts': typeof import('@aws-sdk/client-sts');
}

const require = createRequire(import.meta.url);

/**
 * An AWS SDK client package, loaded with require(). They are CommonJS bundles: an ESM `import` of one
 * makes Node lex its whole source for export names (cjs-module-lexer) and check it for module syntax
 * before running it, which cost every command about 110 ms of its start for the six (`node -e`,
 * loading all six: 235 ms by import, 125 ms by require). Types still come from `import type`, which
 * costs nothing at run time.
 */
export function sdkPackage<Name extends keyof SdkPackages>(name: Name): SdkPackages[Name] {
  return require(name) as SdkPackages[Name];
}
