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

  it('points the worker and the API at the Temporal service when they start', () => {
    for (const entry of ['runtime/worker-main.ts', 'runtime/api-main.ts']) expect(compose).toContain(`["npx", "tsx", "${entry}"]`);
    expect(compose.match(/TEMPORAL_ADDRESS: temporal:7233/g)?.length).toBeGreaterThanOrEqual(2);
  });
});
