import { AwsError } from '../../aws-error.js';

type JsonObject = Record<string, unknown>;

export interface LengthRules {
  required?: boolean;
  min?: number;
  max?: number;
}

export interface StringRules extends LengthRules {
  /** A regular expression the whole value must match, spelled as AWS spells it in its messages. */
  pattern?: string;
}

/**
 * The input of one Logs call, read the way AWS's request validation reads it: every constraint
 * violation is collected, then all are reported at once as
 * `N validation errors detected: Value ... at 'name' failed to satisfy constraint: ...`
 * (Logs sends these as InvalidParameterException). A value of the wrong JSON type is a
 * SerializationException, raised at once, as AWS cannot even deserialize the request.
 *
 * A missing required value reads as its empty value (`''`, `0`, `[]`) so callers keep precise types:
 * it is never used, because every operation calls `done()`, which reports it, before acting.
 */
export class Params {
  private constructor(
    private readonly body: JsonObject,
    private readonly path: string,
    private readonly violations: string[],
  ) {}

  /** An empty body is an empty input, as the SDKs send `{}` for calls without parameters. */
  static parse(raw: Buffer): Params {
    const text = raw.toString('utf8').trim();
    if (!text) return new Params({}, '', []);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new AwsError('SerializationException', 'The request body is not valid JSON.');
    }
    if (!isObject(parsed)) throw new AwsError('SerializationException', 'The request body must be a JSON object.');
    return new Params(parsed, '', []);
  }

  string(name: string, rules: StringRules & { required: true }): string;
  string(name: string, rules?: StringRules): string | undefined;
  string(name: string, rules: StringRules = {}): string | undefined {
    const value = this.present(name, rules, 'a string', (v): v is string => typeof v === 'string');
    if (value === undefined) return rules.required ? '' : undefined;
    if (this.checkLength(name, value, value.length, rules) && rules.pattern && !new RegExp(`^(?:${rules.pattern})$`).test(value)) {
      this.violate(name, value, `Member must satisfy regular expression pattern: ${rules.pattern}`);
    }
    return value;
  }

  integer(name: string, rules: LengthRules & { required: true }): number;
  integer(name: string, rules?: LengthRules): number | undefined;
  integer(name: string, rules: LengthRules = {}): number | undefined {
    const value = this.present(name, rules, 'an integer', (v): v is number => typeof v === 'number' && Number.isSafeInteger(v));
    if (value === undefined) return rules.required ? 0 : undefined;
    if (rules.min !== undefined && value < rules.min) this.violate(name, value, `Member must have value greater than or equal to ${rules.min}`);
    else if (rules.max !== undefined && value > rules.max) this.violate(name, value, `Member must have value less than or equal to ${rules.max}`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    return this.present(name, {}, 'a boolean', (v): v is boolean => typeof v === 'boolean');
  }

  stringList(name: string, rules: LengthRules & { required: true }): string[];
  stringList(name: string, rules?: LengthRules): string[] | undefined;
  stringList(name: string, rules: LengthRules = {}): string[] | undefined {
    const value = this.present(name, rules, 'a list of strings', (v): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string'));
    if (value === undefined) return rules.required ? [] : undefined;
    this.checkLength(name, `[${value.join(', ')}]`, value.length, rules);
    return value;
  }

  stringMap(name: string, rules: LengthRules & { required: true }): Record<string, string>;
  stringMap(name: string, rules?: LengthRules): Record<string, string> | undefined;
  stringMap(name: string, rules: LengthRules = {}): Record<string, string> | undefined {
    const value = this.present(name, rules, 'a map of strings', (v): v is Record<string, string> => isObject(v) && Object.values(v).every((s) => typeof s === 'string'));
    if (value === undefined) return rules.required ? {} : undefined;
    this.checkLength(name, JSON.stringify(value), Object.keys(value).length, rules);
    return value;
  }

  /** A list of structures; each member is read with its own Params, reporting into this call's violations. */
  structureList(name: string, rules: LengthRules & { required: true }): Params[];
  structureList(name: string, rules?: LengthRules): Params[] | undefined;
  structureList(name: string, rules: LengthRules = {}): Params[] | undefined {
    const value = this.present(name, rules, 'a list of structures', (v): v is JsonObject[] => Array.isArray(v) && v.every(isObject));
    if (value === undefined) return rules.required ? [] : undefined;
    this.checkLength(name, `[${value.length} items]`, value.length, rules);
    return value.map((member, i) => new Params(member, `${this.qualified(name)}.${i + 1}.member.`, this.violations));
  }

  /** Adds a violation found by the caller (a rule that spans parameters). */
  violate(name: string, value: unknown, constraint: string): void {
    const shown = value === null ? 'null' : `'${String(value)}'`;
    this.violations.push(`Value ${shown} at '${this.qualified(name)}' failed to satisfy constraint: ${constraint}`);
  }

  /** Throws the collected violations, if any, as AWS reports them. */
  done(): void {
    const n = this.violations.length;
    if (n) throw new AwsError('InvalidParameterException', `${n} validation error${n > 1 ? 's' : ''} detected: ${this.violations.join('; ')}`);
  }

  private present<T>(name: string, rules: LengthRules, kind: string, isType: (v: unknown) => v is T): T | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) {
      if (rules.required) this.violate(name, null, 'Member must not be null');
      return undefined;
    }
    if (!isType(value)) throw new AwsError('SerializationException', `Expected ${kind} for '${this.qualified(name)}'.`);
    return value;
  }

  /** Checks length rules; true when they hold. */
  private checkLength(name: string, shown: string, length: number, rules: LengthRules): boolean {
    if (rules.min !== undefined && length < rules.min) {
      this.violate(name, shown, `Member must have length greater than or equal to ${rules.min}`);
      return false;
    }
    if (rules.max !== undefined && length > rules.max) {
      this.violate(name, shown, `Member must have length less than or equal to ${rules.max}`);
      return false;
    }
    return true;
  }

  private qualified(name: string): string {
    return this.path + name;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
