/**
 * The case's Queries, Updates and Signal, registered before the workflow's first await. Validators are
 * synchronous and refuse early (wrong department, illegal now, a domain rule); handlers change the
 * case and answer with its progress, and a keyed request's Idempotency-Key echo (`../echo.ts`).
 */
import { setHandler } from '@temporalio/workflow';
import {
  acceptCase,
  getCaseInput,
  getProgress,
  itemChanged,
  refuseCase,
  rejectCommitmentMaterial,
  supplyCommitmentMaterials,
  withdrawCase,
  type RejectCommitmentMaterialRequest,
} from '../contract';
import { echoing, plain } from '../echo';
import { accept, refuse, validateAcceptance, validateRefusal } from './acceptance';
import { sendBack, supplyPromised, validateSentBack, validateSupply } from './commitment';
import { onItemChanged } from './items';
import type { CaseRun } from './state';
import { validateWithdrawal, withdraw } from './withdrawal';

export function registerCaseHandlers(run: CaseRun): void {
  setHandler(getProgress, () => run.progress());
  setHandler(getCaseInput, () => run.input);
  setHandler(acceptCase, (request) => accept(run, request), { validator: (request) => validateAcceptance(run, request) });
  setHandler(
    supplyCommitmentMaterials,
    echoing((request) => supplyPromised(run, request)),
    { validator: (request) => validateSupply(run, request) },
  );
  setHandler(
    rejectCommitmentMaterial,
    echoing((request: RejectCommitmentMaterialRequest) => sendBack(run, request)),
    { validator: (request) => validateSentBack(run, plain(request)) },
  );
  setHandler(refuseCase, echoing((request) => refuse(run, request)), { validator: (request) => validateRefusal(run, request) });
  setHandler(withdrawCase, echoing((request) => withdraw(run, request)), { validator: (request) => validateWithdrawal(run, plain(request)) });
  setHandler(itemChanged, (view) => onItemChanged(run, view));
}
