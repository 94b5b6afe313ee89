import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseProgress, ProgressItem } from '../api/client';
import { departmentName, type BundleDefinition } from '../api/definitions';
import { localized } from '../i18n';
import { ErrorMessage } from '../shared/error-message';
import { ReviewCard } from './review-card';
import { ReviewForm } from './review-form';
import { useCaseReviews, useRate, type Review } from './reviews';

/**
 * 一事一评: each item of the ended case that reached its department is rated once, about that
 * department; a 不满意 or 非常不满意 opens a rectification there. Each rating is shown once given, and
 * may be changed within its window.
 */
export function ItemRatings({ progress, definition }: { progress: CaseProgress; definition?: BundleDefinition }) {
  const { t } = useTranslation();
  const reviews = useCaseReviews(progress.caseId);
  // An item skipped, or cancelled before dispatch, served nobody: the API refuses to rate it.
  const rateable = progress.items.filter((i) => i.startedAt);
  if (rateable.length === 0) return null;
  return (
    <section aria-labelledby="item-ratings-title">
      <h2 id="item-ratings-title">{t('rating.items.title')}</h2>
      <p className="muted">{t('rating.items.help')}</p>
      {reviews.error && <ErrorMessage error={reviews.error} />}
      {reviews.data && (
        <ul className="item-ratings">
          {rateable.map((item) => (
            <ItemRating key={item.id} caseId={progress.caseId} item={item} definition={definition} review={reviews.data.reviews.find((r) => r.itemId === item.id)} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ItemRating({ caseId, item, definition, review }: { caseId: string; item: ProgressItem; definition?: BundleDefinition; review?: Review }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const rate = useRate(caseId, item.id);
  const title = localized(item.title) || item.id;
  const department = departmentName(definition, item.department, i18n.language);
  const question = t('rating.items.question', { item: title });
  const formId = `rate-item-${item.id}`;
  return (
    <li data-item={item.id}>
      <h3>
        {title} <span className="muted">· {department}</span>
      </h3>
      {review ? (
        <ReviewCard caseId={caseId} review={review} what={title} question={question} departmentName={department} opened={rate.data?.rectification} />
      ) : (
        <>
          <button type="button" aria-expanded={open} aria-controls={formId} aria-label={t('rating.items.rateLabel', { item: title })} onClick={() => setOpen((o) => !o)}>
            {t('rating.items.rate')}
          </button>
          <div id={formId}>
            {open && (
              <ReviewForm
                label={t('rating.items.rateLabel', { item: title })}
                question={question}
                submitLabel={t('rating.submit')}
                pending={rate.isPending}
                error={rate.error}
                onCancel={() => setOpen(false)}
                onSubmit={(draft) => rate.mutate(draft)}
              />
            )}
          </div>
        </>
      )}
    </li>
  );
}
