import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, data } from '../api/client';
import { formatDateTime } from '../shared/format';

/** Asks `POST /seals/verify` about one sealed document and says what it answered. */
export function SealCheck({ document, seal, label }: { document: unknown; seal: unknown; label: string }) {
  const { t } = useTranslation();
  const verify = useMutation({ mutationFn: () => data(api.POST('/seals/verify', { body: { document, seal } })) });
  const report = verify.data;
  return (
    <div className="seal-check">
      <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending} aria-label={t('results.verifyLabel', { name: label })}>
        {t('results.verify')}
      </button>
      <span aria-live="polite">
        {report && (
          <span className={`badge seal-${report.status}`}>
            {t(`results.seal.${report.status}`)}
            {report.signedAt && ` · ${formatDateTime(report.signedAt)}`}
            {report.appliedBy === 'default' && ` · ${t('results.byDefault')}`}
            {report.conditional && ` · ${t('results.conditional')}`}
          </span>
        )}
        {verify.error && <span className="error">{t('common.unknownError')}</span>}
      </span>
    </div>
  );
}
