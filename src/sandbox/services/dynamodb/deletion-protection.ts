import { RECORDS, type StateDb } from '../../state-db.js';
import { validationError } from './requests.js';

/**
 * Which tables are protected against deletion (DeletionProtectionEnabled, 2023). dynalite drops the
 * field and rewrites its table records on its own timers, so the sandbox keeps the flag beside them,
 * one record per protected table (`<region>/<table>`) in the state database, saved before the answer.
 */
export class DeletionProtection {
  private readonly protectedTables: Set<string>;

  constructor(private readonly state: StateDb) {
    this.protectedTables = new Set(state.take<true>(RECORDS.dynamodbProtectedTables).map(([key]) => key));
  }

  has(region: string, table: string): boolean {
    return this.protectedTables.has(`${region}/${table}`);
  }

  set(region: string, table: string, enabled: boolean): void {
    const key = `${region}/${table}`;
    if (enabled === this.protectedTables.has(key)) return;
    if (enabled) {
      this.protectedTables.add(key);
      this.state.put(RECORDS.dynamodbProtectedTables + key, true);
    } else {
      this.protectedTables.delete(key);
      this.state.del(RECORDS.dynamodbProtectedTables + key);
    }
  }

  /** DeleteTable on a protected table is refused, with DynamoDB's message. */
  checkDeletion(region: string, table: string): void {
    if (this.has(region, table)) {
      throw validationError('Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.');
    }
  }
}
