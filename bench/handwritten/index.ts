/** The benchmarks' own workflow bundle (apart from the engine's): the hand-written baseline and the floor. */
export { handCaseWorkflow, handItemWorkflow } from './workflows';
export { echoWorkflow, emptyWorkflow } from './limit';
