/** Workflow entry points registered with the worker (see runtime/worker.ts). */
export { caseWorkflow } from './case';
export { itemWorkflow } from './item';
