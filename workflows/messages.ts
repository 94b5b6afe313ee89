/** Moved to `workflows/contract.ts`; this re-export goes once every import names the contract. */
export * from './contract';
