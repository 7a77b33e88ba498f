import type { PolicyDocument } from './types.js';

/** Identity policies (inline, managed) name resources and no principal; trust policies the reverse. */
export type PolicyKind = 'identity' | 'trust';

export type PolicyCheck = { ok: true; document: PolicyDocument } | { ok: false; error: string };

// IAM's own wording for MalformedPolicyDocument, so learners can search for the message they will see on AWS.
const INVALID_JSON = 'This policy contains invalid Json';
const SYNTAX = 'Syntax errors in policy.';
const VERSIONS = ['2012-10-17', '2008-10-17'];
const DOCUMENT_KEYS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringOrStrings(value: unknown): value is string | string[] {
  return typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'));
}

function strings(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * Parses and checks a policy document the way IAM does before storing it, answering with IAM's
 * MalformedPolicyDocument message. Checks the grammar (keys, types, Effect, Version, Action/Resource
 * presence and shape, Principal rules per kind); it does not check that actions or services exist.
 */
export function checkPolicyDocument(text: string, kind: PolicyKind): PolicyCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: INVALID_JSON };
  }
  if (!isObject(parsed)) return { ok: false, error: INVALID_JSON };
  const error = documentError(parsed, kind);
  return error === undefined ? { ok: true, document: parsed as unknown as PolicyDocument } : { ok: false, error };
}

function documentError(doc: Record<string, unknown>, kind: PolicyKind): string | undefined {
  if (Object.keys(doc).some((key) => !DOCUMENT_KEYS.has(key))) return SYNTAX;
  if (doc.Version !== undefined && !VERSIONS.includes(doc.Version as string)) return 'The policy failed legacy parsing';
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  if (statements.length === 0 || !statements.every(isObject)) return SYNTAX;
  // Identity policies must use today's policy language; trust policies may still say 2008-10-17.
  if (kind === 'identity' && doc.Version !== '2012-10-17') return 'Policy document must be version 2012-10-17 or greater.';
  for (const statement of statements as Record<string, unknown>[]) {
    const error = statementError(statement, kind);
    if (error !== undefined) return error;
  }
  return undefined;
}

function statementError(s: Record<string, unknown>, kind: PolicyKind): string | undefined {
  if (Object.keys(s).some((key) => !STATEMENT_KEYS.has(key))) return SYNTAX;
  if (s.Sid !== undefined && typeof s.Sid !== 'string') return SYNTAX;
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return SYNTAX;
  if (s.Action !== undefined && s.NotAction !== undefined) return SYNTAX;
  if (s.Resource !== undefined && s.NotResource !== undefined) return SYNTAX;
  const actions = s.Action ?? s.NotAction;
  if (actions === undefined) return 'Policy statement must contain actions.';
  if (!isStringOrStrings(actions)) return SYNTAX;
  if (strings(actions).some((a) => a !== '*' && !/^[A-Za-z0-9-]+:.+$/.test(a))) {
    return 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';
  }
  if (s.Condition !== undefined && !(isObject(s.Condition) && Object.values(s.Condition).every(isObject))) return SYNTAX;
  const hasPrincipal = s.Principal !== undefined || s.NotPrincipal !== undefined;
  const resources = s.Resource ?? s.NotResource;
  if (kind === 'trust') {
    if (resources !== undefined) return `Has prohibited field ${s.Resource !== undefined ? 'Resource' : 'NotResource'}`;
    if (!hasPrincipal) return 'Missing required field Principal';
    return undefined;
  }
  if (hasPrincipal) return 'Policy document should not specify a principal.';
  if (resources === undefined) return 'Policy statement must contain resources.';
  if (!isStringOrStrings(resources)) return SYNTAX;
  const notArn = strings(resources).find((r) => r !== '*' && !r.startsWith('arn:'));
  if (notArn !== undefined) return `Resource ${notArn} must be in ARN format or "*".`;
  return undefined;
}
