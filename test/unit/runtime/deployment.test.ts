import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../runtime/config';
import { SEARCH_ATTRIBUTES } from '../../../workflows/search-attributes';

const compose = readFileSync(join(PROJECT_ROOT, 'temporal-docker.yml'), 'utf8');

describe('temporal-docker.yml', () => {
  it('registers exactly the search attributes of workflows/search-attributes.ts when its setup step runs', () => {
    const registered = Object.fromEntries([...compose.matchAll(/^\s*ensure (\w+) (\w+)\s*$/gm)].map((m) => [m[1], m[2]]));
    expect(registered).toEqual(SEARCH_ATTRIBUTES);
  });

  it('gives the worker and the API the app\'s own database on the compose PostgreSQL, made before they start', () => {
    // One DATABASE_URL (an anchor), for the role and database `yijianshi`, merged into both app services.
    expect(compose.match(/^\s*DATABASE_URL: postgres:\/\/yijianshi:\$\{YJS_DB_PASSWORD:\?[^}]*\}@postgresql:5432\/yijianshi$/gm)).toHaveLength(1);
    expect(compose.match(/^ {6}<<: \*app-db-env$/gm)).toHaveLength(2);
    // The one-shot that makes them, which the app services wait for.
    expect(compose).toMatch(/^ {2}app-db:\n(?: {4}.*\n)*? {4}image: postgres:16$/m);
    expect(compose).toMatch(/^ {4}app-db:\n {6}condition: service_completed_successfully$/m);
    expect(compose).toContain("CREATE DATABASE yijianshi OWNER yijianshi");
    // No key file: the keys are in the database.
    expect(compose).not.toContain('YJS_API_KEYS_FILE');
  });

  it('points the worker and the API at the Temporal service when they start', () => {
    for (const entry of ['runtime/worker-main.ts', 'runtime/api-main.ts']) expect(compose).toContain(`["npx", "tsx", "${entry}"]`);
    expect(compose.match(/TEMPORAL_ADDRESS: temporal:7233/g)?.length).toBeGreaterThanOrEqual(2);
  });
});
