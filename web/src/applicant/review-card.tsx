import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatDateTime } from '../shared/format';
import { ReviewForm } from './review-form';
import { INDICATORS, useAmend, useBefore, useReviewVersions, type AmendmentReceipt, type Rectification, type Review } from './reviews';

/**
 * A rating given: its level, indicators and comment; while its window is open, until when it may be
 * changed and the form to change it (a 409 once the window closed shows the API's detail); what the
 * rating or its amendment did to the department's rectification; and, once amended, its versions.
 */
export function ReviewCard({
  caseId,
  review,
  what,
  question,
  departmentName,
  opened,
}: {
  caseId: string;
  review: Review;
  /** What was rated, for the amend button's accessible name. */
  what: string;
  question: string;
  departmentName: string;
  /** The rectification the first rating opened, from its receipt (the listing does not carry it). */
  opened?: Rectification;
}) {
  const { t } = useTranslation();
  const formId = useId();
  const [amending, setAmending] = useState(false);
  const [outcome, setOutcome] = useState<AmendmentReceipt>();
  const amend = useAmend(caseId, review.id);
  const windowOpen = useBefore(review.amendableUntil);
  const rated = INDICATORS.filter((name) => review.indicators[name] !== undefined);
  const level = (l: number) => t(`rating.level.${l}`);
  // The latest word on the rectification: an amendment's, else the first rating's.
  const rectification = outcome ? (outcome.withdrawn ?? outcome.opened) : opened;
  const rectificationText =
    rectification?.status === 'withdrawn'
      ? t('rating.rectificationWithdrawn', { level: level(outcome?.review.level ?? review.level), department: departmentName })
      : rectification
        ? rectification.deadline
          ? t('rating.rectificationOpened', { department: departmentName, deadline: formatDate(rectification.deadline) })
          : t('rating.rectificationOpenedSoon', { department: departmentName })
        : undefined;
  return (
    <div className="review-card">
      <p role="status" className="ok-box">
        {t('rating.given', { level: level(review.level), at: formatDateTime(review.createdAt) })}
        {review.comment ? ` ${review.comment}` : ''}
      </p>
      {rated.length > 0 && (
        <dl className="review-indicators">
          {rated.map((name) => (
            <div key={name}>
              <dt>{t(`rating.indicator.${name}`)}</dt>
              <dd>{level(review.indicators[name]!)}</dd>
            </div>
          ))}
        </dl>
      )}
      {review.amendedAt && <p className="muted">{t('rating.amended', { at: formatDateTime(review.amendedAt), version: review.version })}</p>}
      {rectificationText && (
        <p role="status" className={rectification?.status === 'withdrawn' ? 'ok-box' : 'warn-box'} data-testid="rectification-note">
          {rectificationText}
        </p>
      )}
      {review.amendableUntil &&
        (windowOpen ? (
          <p>
            {t('rating.amendUntil', { until: formatDateTime(review.amendableUntil) })}{' '}
            <button type="button" aria-expanded={amending} aria-controls={formId} aria-label={t('rating.amendLabel', { what })} onClick={() => setAmending((a) => !a)}>
              {t('rating.amend')}
            </button>
          </p>
        ) : (
          <p className="muted">{t('rating.amendClosed', { until: formatDateTime(review.amendableUntil) })}</p>
        ))}
      {/* Kept open once opened, even past the window: submitting then shows the API's 409 detail. */}
      <div id={formId}>
        {amending && (
          <ReviewForm
            key={review.version}
            label={t('rating.amendLabel', { what })}
            question={question}
            initial={{ level: review.level, indicators: review.indicators, comment: review.comment ?? '' }}
            submitLabel={t('rating.amendSubmit')}
            pending={amend.isPending}
            error={amend.error}
            onCancel={() => {
              amend.reset();
              setAmending(false);
            }}
            onSubmit={(draft) =>
              amend.mutate(draft, {
                onSuccess: (receipt) => {
                  setOutcome(receipt);
                  setAmending(false);
                },
              })
            }
          />
        )}
      </div>
      {review.version > 1 && <ReviewHistory caseId={caseId} review={review} />}
    </div>
  );
}

/** The versions of an amended rating, the original first. */
function ReviewHistory({ caseId, review }: { caseId: string; review: Review }) {
  const { t } = useTranslation();
  const titleId = useId();
  const versions = useReviewVersions(caseId, review);
  if (!versions.data) return null;
  return (
    <div className="review-history">
      <p id={titleId}>
        <strong>{t('rating.history')}</strong>
      </p>
      <ol aria-labelledby={titleId}>
        {versions.data.versions.map((v) => (
          <li key={v.version} data-version={v.version}>
            {t('rating.historyEntry', { version: v.version, at: formatDateTime(v.createdAt), level: t(`rating.level.${v.level}`) })}
            {v.comment ? ` · ${v.comment}` : ''}
          </li>
        ))}
      </ol>
    </div>
  );
}
