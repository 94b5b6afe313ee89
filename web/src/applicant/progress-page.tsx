import { useTranslation } from 'react-i18next';
import { FINAL_CASE_STATUSES, useCaseDocuments, useCaseProgress } from '../api/cases';
import { useDefinition } from '../api/definitions';
import { localized } from '../i18n';
import { StatusBadge } from '../shared/badges';
import { EventTimeline, ItemsProgress } from '../shared/case-timeline';
import { ErrorMessage } from '../shared/error-message';
import { formatDate, formatDateTime } from '../shared/format';
import { SealCheck } from './seal-check';
import { Withdraw } from './withdraw';
import { Rating } from './rating';
import { ItemRatings } from './item-ratings';
import { isApplicant, useSession } from '../auth/use-session';

/** 进度查询: the case's status, each department's, commitments, results with their seals, and the events. */
export function ProgressPage({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const progress = useCaseProgress(caseId);
  const p = progress.data;
  const definition = useDefinition(p?.bundleId, p?.bundleVersion).data?.definition;
  const documents = useCaseDocuments(caseId, (p?.results.length ?? 0) > 0);
  const session = useSession();
  // The applicant may withdraw until the results are being issued.
  const own = Boolean(p && isApplicant(session) && session?.person.subjectId === p.applicant.subjectId);
  // …and rate the service once it has ended (好差评).
  const mayRate = own && p !== undefined && FINAL_CASE_STATUSES.has(p.status);
  const mayWithdraw = p && isApplicant(session) && session?.person.subjectId === p.applicant.subjectId && !FINAL_CASE_STATUSES.has(p.status) && p.status !== 'issuing';
  return (
    <article aria-labelledby="progress-title" className="progress">
      <h1 id="progress-title">{p ? localized(p.title) : t('progress.title')}</h1>
      {progress.error && <ErrorMessage error={progress.error} />}
      {!p && !progress.error && <p role="status">{t('common.loading')}</p>}
      {p && (
        <>
          <dl className="facts-grid">
            {p.caseNumber && (
              <>
                <dt>{t('progress.caseNumber')}</dt>
                <dd data-testid="case-number">{p.caseNumber}</dd>
              </>
            )}
            <dt>{t('progress.caseId')}</dt>
            <dd>
              <code data-testid="case-id">{p.caseId}</code>
            </dd>
            <dt>{t('progress.status')}</dt>
            <dd data-testid="case-status">
              <StatusBadge status={p.status} />
              {!FINAL_CASE_STATUSES.has(p.status) && <span className="muted"> {t('progress.following')}</span>}
            </dd>
            <dt>{t('progress.applicant')}</dt>
            <dd>{p.applicant.name}</dd>
            <dt>{t('progress.submittedAt')}</dt>
            <dd>{formatDateTime(p.submittedAt)}</dd>
            {p.acceptedAt && (
              <>
                <dt>{t('progress.acceptedAt')}</dt>
                <dd>{formatDateTime(p.acceptedAt)}</dd>
              </>
            )}
            {p.completedAt && (
              <>
                <dt>{t('progress.completedAt')}</dt>
                <dd>{formatDateTime(p.completedAt)}</dd>
              </>
            )}
            {p.asOf && (
              <>
                <dt>{t('progress.asOf')}</dt>
                <dd>{formatDateTime(p.asOf)}</dd>
              </>
            )}
          </dl>
          {p.refusal && (
            <div role="status" className="error-box">
              <p>{t('progress.refused')}</p>
              <ul>
                {p.refusal.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </div>
          )}
          {p.withdrawal && (
            <div role="status" className="error-box">
              <p>{t('withdraw.done', { at: formatDateTime(p.withdrawal.at) })}{p.withdrawal.reason ? ` ${p.withdrawal.reason}` : ''}</p>
            </div>
          )}
          {p.rejection && (
            <div role="status" className="error-box">
              <p>{t('progress.rejected', { reason: p.rejection.reason })}</p>
            </div>
          )}
          <ItemsProgress progress={p} definition={definition} />
          {p.commitment && (
            <section aria-labelledby="commitment-title">
              <h2 id="commitment-title">{t('commitment.title')}</h2>
              <p>
                <StatusBadge status={`commitment-${p.commitment.status}`} />
              </p>
              <ul>
                {p.commitment.materials.map((m) => (
                  <li key={m.material}>
                    {localized(m.name)} — {t('commitment.deadline', { date: formatDate(m.deadline) })} ·{' '}
                    {t(`commitment.material.${m.status}`)}
                  </li>
                ))}
              </ul>
            </section>
          )}
          {p.results.length > 0 && (
            <section aria-labelledby="results-title">
              <h2 id="results-title">{t('results.title')}</h2>
              <ul className="results">
                {p.results.map((r) => {
                  const sealed = documents.data?.find((d) => d.documentId === r.documentId);
                  return (
                    <li key={r.documentId} data-result={r.itemId}>
                      <strong>{localized(r.title)}</strong> <span className="muted">{r.certificateNumber}</span> · {formatDateTime(r.issuedAt)}
                      {r.conditional && <span className="badge tolerable">{t('results.conditional')}</span>}
                      {r.revoked && <span className="badge card-overdue">{t('results.revoked')}</span>}
                      {sealed && <SealCheck document={sealed.document} seal={sealed.seal} label={localized(r.title)} />}
                    </li>
                  );
                })}
              </ul>
            </section>
          )}
          <EventTimeline progress={p} definition={definition} />
          {mayWithdraw && <Withdraw caseId={caseId} />}
          {mayRate && <Rating progress={p} definition={definition} />}
          {mayRate && <ItemRatings progress={p} definition={definition} />}
        </>
      )}
    </article>
  );
}
