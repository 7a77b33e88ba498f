/**
 * An error as an AWS service answers it. Each wire protocol renders it its own way
 * (see protocols/); services only say what went wrong.
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra fields some protocols put next to Code/Message (S3's BucketName, Key, ArgumentName1, ...). */
  readonly fields: Record<string, string>;
  /** Lambda and DynamoDB answer some errors with a lowercase `message` key; AWS is not consistent. */
  readonly lowercaseMessage: boolean;

  constructor(code: string, message: string, status = 400, options: { fields?: Record<string, string>; lowercaseMessage?: boolean } = {}) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.fields = options.fields ?? {};
    this.lowercaseMessage = options.lowercaseMessage ?? false;
  }
}

export function isAwsError(error: unknown): error is AwsError {
  return error instanceof AwsError;
}
