/** Workflow entry points registered with the worker (see runtime/worker.ts). */
export { caseWorkflow } from './case/workflow';
export { itemWorkflow } from './item/workflow';
export { rectificationWorkflow } from './rectification/workflow';
export { webhookDeliveryWorkflow } from './webhooks/delivery';
export { noticeDeliveryWorkflow } from './notices/delivery';
