import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data } from '../api/client';
import { ErrorMessage } from '../shared/error-message';
import { useIdempotencyKey } from '../shared/idempotency';

/** 撤回申请: the applicant withdraws before completion, with an optional reason, after confirming. */
export function Withdraw({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [key] = useIdempotencyKey();
  const withdraw = useMutation({
    mutationFn: () =>
      data(api.POST('/cases/{caseId}/withdraw', { params: { path: { caseId } }, headers: { 'idempotency-key': `withdraw-${key}` }, body: reason.trim() ? { reason: reason.trim() } : {} })),
    onSuccess: (progress) => queryClient.setQueryData(['case', caseId], progress),
  });
  return (
    <section aria-labelledby="withdraw-title" className="actions">
      <h2 id="withdraw-title">{t('withdraw.title')}</h2>
      {!confirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          {t('withdraw.start')}
        </button>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            withdraw.mutate();
          }}
        >
          <p>{t('withdraw.warning')}</p>
          <label htmlFor="withdraw-reason">{t('withdraw.reason')}</label>
          <textarea id="withdraw-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
          <div className="button-row">
            <button type="submit" className="danger" disabled={withdraw.isPending}>
              {t('withdraw.confirm')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </div>
          {withdraw.error && <ErrorMessage error={withdraw.error} />}
        </form>
      )}
    </section>
  );
}
