import { LabError } from '../errors.js';

/** What S3's region and access answers about a bucket mean for the lab, one sentence and a fix each. */

export function bucketElsewhere(bucket: string, bucketRegion: string, labRegion: string): LabError {
  return new LabError(
    'BucketInAnotherRegion',
    `Bucket ${bucket} is in ${bucketRegion}, but this lab runs in ${labRegion}: S3 can only trigger a function in the bucket's own region.`,
    `Rerun with --region ${bucketRegion}, or pass --bucket with a bucket of yours in ${labRegion}.`,
    'aws',
  );
}

export function bucketNotListable(bucket: string): LabError {
  return new LabError(
    'AccessDenied',
    `Bucket ${bucket} is yours, but your identity may not look into it (s3:ListBucket, which HeadBucket needs).`,
    `Grant s3:ListBucket on arn:aws:s3:::${bucket} to the user or role you run upload-lab as (\`upload-lab policy\` prints everything it needs), or use --profile with one that has it.`,
    'aws',
  );
}

export function bucketUnknowable(bucket: string): LabError {
  return new LabError(
    'BucketForbidden',
    `S3 refused to show bucket ${bucket} (403): either another account owns that name, or your identity may not call s3:ListBucket on it, and without s3:ListAllMyBuckets upload-lab cannot tell which.`,
    `Pass --bucket with a name of your own, or get s3:ListBucket and s3:ListAllMyBuckets granted (\`upload-lab policy\` prints everything upload-lab needs).`,
    'aws',
  );
}
