/**
 * Cases in flight must survive workflow deployments: saved histories of real cases (recorded by
 * `test/fixtures/record-histories.ts`: defaults, escalation, a broken commitment, a rejection; as the
 * workflows ran before patch `lean-case`, and as lean cases, `lean-*`; and rectifications of bad ratings,
 * `rectification-*`, one closed with its call-back and one overdue and open, recorded from
 * test/integration/workflows/rectification.test.ts, and one withdrawn by an amendment of the rating, recorded
 * from test/integration/api/review-amendments.test.ts with YJS_RECORD_HISTORIES=1) must replay against the current workflow code
 * without non-determinism. A change that fails here needs `patched()`, not new fixtures.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../runtime/config';
import { workflowBundle } from '../../helpers/stack';

const DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'histories');

describe('replaying saved histories', async () => {
  const files = (await readdir(DIR)).filter((f) => f.endsWith('.json')).sort();

  it('has histories of case and item workflows to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('replays %s without non-determinism', async (file) => {
    // The JSON form `temporal workflow show --output json` and `fetchHistory()` produce.
    const history: unknown = JSON.parse(await readFile(join(DIR, file), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file)).resolves.toBeUndefined();
  });
});
