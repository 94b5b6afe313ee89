/**
 * The web screens' API types are generated from the OpenAPI document the app serves: a route that
 * changes without `npm run gen` fails here, not in a person's browser.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../runtime/config';
import { WEB_CLIENT_TYPES, webClientTypes } from '../../../scripts/gen-web-client';

describe('web/src/api/generated/schema.d.ts', () => {
  it('is what openapi-typescript makes of GET /openapi.json now (else run `npm run gen`)', async () => {
    const committed = await readFile(join(PROJECT_ROOT, WEB_CLIENT_TYPES), 'utf8');
    const fresh = await webClientTypes();
    expect(committed, `${WEB_CLIENT_TYPES} is stale: run \`npm run gen\` and commit it`).toBe(fresh);
  }, 60_000);
});
