import { requireName } from './params.js';
import { roleArn, type IamStore, type StoredRole } from './store.js';

/** What an IAM operation gets: the request's Query parameters and the account's IAM state. */
export interface IamCall {
  params: URLSearchParams;
  store: IamStore;
}

export interface Operation {
  /** The ARN a role's call is authorised against (`iam:<Action>` on it), or `*`. */
  resource(call: IamCall): string;
  /** The `<Action>Result` content; undefined for operations that answer only ResponseMetadata. */
  run(call: IamCall): Record<string, unknown> | undefined;
}

/** Operations on a role (and its policies) are authorised against its ARN, path included once it exists. */
export function roleResource({ params, store }: IamCall): string {
  const name = params.get('RoleName') ?? '';
  return store.findRole(name)?.arn ?? roleArn(params.get('Path') ?? '/', name);
}

/** The role named by `RoleName`, or IAM's NoSuchEntity. */
export function requireRole({ params, store }: IamCall): StoredRole {
  return store.role(requireName(params, 'RoleName', 64));
}
