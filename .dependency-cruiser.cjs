/**
 * The import rules of docs/architecture.md, checked by `npm run lint:deps` and by
 * test/unit/architecture/import-rules.test.ts (so `npm test` fails on a violation).
 *
 * Layers, from the bottom:
 *   pure        definitions/, domain/, forms/   rules and data shapes, no I/O of their own; import each other only
 *   adapters/   stores and outside services      → pure (definitions, domain)
 *   activities/ the Temporal activities          → adapters, pure
 *   workflows/  deterministic code               → definitions, domain (the parts without Node), `import type` of activities,
 *                                                  and only @temporalio/workflow, @temporalio/common, xstate, zod
 *   api/        HTTP                             → adapters, pure, and from workflows/ only the contract module
 *   runtime/    wiring (may import any layer); cli/: the designer's and operator's entry point (→ runtime, not api)
 *   scripts/, bench/: commands of the repository, may import anything but tests
 * Nothing imports api/ but runtime/, nothing imports runtime/ but cli/ (and scripts, benchmarks),
 * nothing imports cli/, scripts/ or bench/, code never imports test/; tests themselves may import
 * anything. No circles, type-only imports included.
 *
 * Paths are relative to the folder depcruise runs in (the repository's root).
 */
const PURE = '^(definitions|domain|forms)/';
/**
 * Modules of the pure layer that use Node built-ins (hashing, files). Workflows may not import them,
 * and no other pure module may import them as values, so that everything a workflow can reach stays
 * free of Node: a new pure module that needs Node goes here (and out of the workflows' reach).
 */
const PURE_WITH_NODE = '^(domain/seal|definitions/compile|definitions/registry)\\.ts$';
/** The workflow contract, the one module of workflows/ the API may import (Update and Query definitions, message schemas). */
const WORKFLOW_CONTRACT = '^workflows/contract\\.ts$';
/** The only packages workflow code may import: Temporal's workflow API, xstate, zod. */
const WORKFLOW_PACKAGES = '^node_modules/(@temporalio/(workflow|common)|xstate|zod)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No circles between modules, type-only imports included: data flows one way.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'pure-imports-only-pure',
      comment: 'definitions/, domain/ and forms/ are the pure layer: of our code they import each other only.',
      severity: 'error',
      from: { path: PURE },
      to: { path: '^(adapters|activities|workflows|api|runtime|cli|scripts|bench|test)/' },
    },
    {
      name: 'pure-node-use-declared',
      comment:
        'A pure module that imports a Node built-in must be listed in PURE_WITH_NODE of .dependency-cruiser.cjs, which keeps it out of the workflows\' reach.',
      severity: 'error',
      from: { path: '^(definitions|domain)/', pathNot: PURE_WITH_NODE },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'pure-not-to-node-users',
      comment: 'A pure module without Node does not import one with Node (as a value): workflows may import the first.',
      severity: 'error',
      from: { path: '^(definitions|domain)/', pathNot: PURE_WITH_NODE },
      to: { path: PURE_WITH_NODE, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'adapters-imports-only-pure',
      comment: 'adapters/ (stores, outside services) import definitions/ and domain/ only: never activities, workflows, api, runtime or cli.',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^(forms|activities|workflows|api|runtime|cli|scripts|bench|test)/' },
    },
    {
      name: 'activities-not-to-workflows-or-above',
      comment: 'activities/ import domain/, adapters/, definitions/ and forms/: not workflows (their types included), api, runtime or cli.',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^(workflows|api|runtime|cli|scripts|bench|test)/' },
    },
    {
      name: 'workflows-no-node-builtins',
      comment: 'Workflow code is bundled for a deterministic sandbox: no Node built-ins.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'workflows-activities-as-types-only',
      comment: 'Workflows use activities through proxyActivities: `import type` only, never a value import.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflows-deterministic-imports-only',
      comment:
        'Workflows import workflows/, definitions/, domain/ (and activities/ as types) and only the packages @temporalio/workflow, @temporalio/common, xstate and zod.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: {
        pathNot: [`^(workflows|definitions|domain|activities)/`, WORKFLOW_PACKAGES],
        dependencyTypesNot: ['core'], // workflows-no-node-builtins says it
        couldNotResolve: false, // not-to-unresolvable says it
      },
    },
    {
      name: 'workflows-not-to-node-users',
      comment: 'Workflows do not import the pure modules that use Node (domain/seal.ts, definitions/compile.ts, definitions/registry.ts).',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: PURE_WITH_NODE, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'api-not-to-activities',
      comment: 'api/ uses adapters/ and domain/ directly, never activities/.',
      severity: 'error',
      from: { path: '^api/' },
      to: { path: '^activities/' },
    },
    {
      name: 'api-workflows-contract-only',
      comment: 'From workflows/, api/ imports only the contract module (and workflows/index.ts as a type, to start workflows by type).',
      severity: 'error',
      from: { path: '^api/' },
      to: { path: '^workflows/', pathNot: [WORKFLOW_CONTRACT, '^workflows/index\\.ts$'] },
    },
    {
      name: 'api-workflows-index-type-only',
      comment: 'api/ names workflow functions by type only (`start<typeof caseWorkflow>`): workflow code never runs in the API.',
      severity: 'error',
      from: { path: '^api/' },
      to: { path: '^workflows/index\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'nothing-imports-api',
      comment: 'Only runtime/ (which wires the app) imports api/ (and the repository\'s scripts and benchmarks).',
      severity: 'error',
      from: { pathNot: '^(api|runtime|scripts|bench|test)/' },
      to: { path: '^api/' },
    },
    {
      name: 'nothing-imports-runtime',
      comment: 'runtime/ is the composition root: only the other entry points (cli/, scripts/, bench/) import it.',
      severity: 'error',
      from: { pathNot: '^(runtime|cli|scripts|bench|test)/' },
      to: { path: '^runtime/' },
    },
    {
      name: 'nothing-imports-cli',
      comment: 'cli/ is an entry point (bin/yijianshi.mjs runs it).',
      severity: 'error',
      from: { pathNot: '^(cli|scripts|bench|test)/' },
      to: { path: '^cli/' },
    },
    {
      name: 'nothing-imports-commands',
      comment: 'scripts/ and bench/ are commands run by people and CI: the code does not import them (tests may).',
      severity: 'error',
      from: { pathNot: '^(scripts|bench|test)/' },
      to: { path: '^(scripts|bench)/' },
    },
    {
      name: 'nothing-imports-test',
      comment: 'Tests may import the code; the code (scripts and benchmarks included) never imports tests.',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: '^node_modules/' },
    // The generated-client driver imports `./openapi`, which its test generates from /openapi.json at
    // run time (it is not in the repository); the driver is type-checked by that test instead. Build
    // output (the web screens' bundle, git-ignored) is not source.
    exclude: { path: ['^test/integration/api/openapi-client/', '^web/dist/', '^test-results/'] },
    // TypeScript's own parser, before compilation: `import type` is seen (and told apart as type-only).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve packages by their `exports` as Node does (e.g. `kysely/migration`, a subpath only `exports` names).
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
