import { join } from 'node:path';
import { JsonState } from '../../persist.js';
import { validationError } from './requests.js';

/**
 * Which tables are protected against deletion (DeletionProtectionEnabled, 2023). dynalite drops the
 * field and rewrites its table records on its own timers, so the sandbox keeps the flag beside them,
 * in `<dataDir>/dynamodb/deletion-protection.json` (a list of `region/table`: names never become keys).
 */
export class DeletionProtection {
  private readonly state: JsonState<{ protected: string[] }>;

  constructor(dataDir: string) {
    this.state = new JsonState(join(dataDir, 'dynamodb', 'deletion-protection.json'), () => ({ protected: [] }));
  }

  has(region: string, table: string): boolean {
    return this.state.data.protected.includes(`${region}/${table}`);
  }

  set(region: string, table: string, enabled: boolean): void {
    const key = `${region}/${table}`;
    const others = this.state.data.protected.filter((k) => k !== key);
    this.state.data.protected = enabled ? [...others, key] : others;
    this.state.changed();
  }

  /** DeleteTable on a protected table is refused, with DynamoDB's message. */
  checkDeletion(region: string, table: string): void {
    if (this.has(region, table)) {
      throw validationError('Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.');
    }
  }

  flush(): void {
    this.state.flush();
  }
}
