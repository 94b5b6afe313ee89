/**
 * API keys in PostgreSQL (a server or PGlite): table `api_keys`, the SHA-256 of each key and never the
 * key. Every API node asks it on every request, so a key minted or deleted anywhere counts at once.
 */
import type { Kysely, Selectable } from 'kysely';
import {
  apiKeyProblem,
  defaultKeyId,
  InvalidApiKeyError,
  newApiToken,
  sha256Hex,
  type ApiKeyRecord,
  type ApiKeyStore,
  type NewApiKey,
  type Role,
} from '../api-keys';
import { escapeLike } from './documents';
import type { ApiKeysTable, Database } from './schema';

/** How often a key without an id is tried under the next free default id when racing writers take it first. */
const DEFAULT_ID_ATTEMPTS = 10;

export class PostgresApiKeyStore implements ApiKeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async lookup(tokenSha256: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('token_sha256', '=', tokenSha256).executeTakeFirst();
    return row && record(row);
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.db.selectFrom('api_keys').selectAll().orderBy('id').execute()).map(record);
  }

  async create(key: NewApiKey): Promise<{ record: ApiKeyRecord; token: string }> {
    const problem = apiKeyProblem(key);
    if (problem) throw new InvalidApiKeyError(problem);
    const roles = [...new Set(key.roles)];
    for (let attempt = 0; attempt < DEFAULT_ID_ATTEMPTS; attempt++) {
      const id = key.id ?? (await this.freeDefaultId(key));
      const token = newApiToken();
      const inserted = await this.insert({ id, roles, ...(key.department !== undefined ? { department: key.department } : {}), tokenSha256: sha256Hex(token) });
      if (inserted) return { record: inserted, token };
      if (key.id !== undefined) throw new InvalidApiKeyError(`an API key with the id "${key.id}" exists already`);
      // Another writer took this default id between the look and the insert: the next one.
    }
    throw new Error(`could not find a free id for a new API key after ${DEFAULT_ID_ATTEMPTS} attempts`);
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.db.deleteFrom('api_keys').where('id', '=', id).returning('id').executeTakeFirst();
    return deleted !== undefined;
  }

  /**
   * Adds a key as another store kept it (its id and digest), unless its id is taken: for moving a key
   * file's keys here. Whether it was added. Throws for a record no store should hold.
   */
  async importRecord(key: ApiKeyRecord): Promise<boolean> {
    const problem = apiKeyProblem(key);
    if (problem) throw new InvalidApiKeyError(`API key "${key.id}": ${problem}`);
    return (await this.insert(key)) !== undefined;
  }

  /** Inserts the record unless its id is taken; the inserted record, or undefined. */
  private async insert(key: ApiKeyRecord): Promise<ApiKeyRecord | undefined> {
    const row = await this.db
      .insertInto('api_keys')
      .values({ id: key.id, token_sha256: key.tokenSha256, roles: key.roles, department: key.department ?? null })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    return row && record(row);
  }

  /** The default id for the key (`officer-water-affairs`, else `-2`, `-3`…) among the ids taken now. */
  private async freeDefaultId(key: NewApiKey): Promise<string> {
    const base = defaultKeyId(key, () => false);
    const rows = await this.db
      .selectFrom('api_keys')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', base), eb('id', 'like', `${escapeLike(base)}-%`)]))
      .execute();
    const taken = new Set(rows.map((r) => r.id));
    return defaultKeyId(key, (id) => taken.has(id));
  }
}

function record(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    roles: row.roles as Role[],
    ...(row.department !== null ? { department: row.department } : {}),
    tokenSha256: row.token_sha256,
  };
}
