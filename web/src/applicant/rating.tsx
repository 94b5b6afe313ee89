import { useTranslation } from 'react-i18next';
import type { CaseProgress } from '../api/client';
import { departmentName, type BundleDefinition } from '../api/definitions';
import { ErrorMessage } from '../shared/error-message';
import { ReviewCard } from './review-card';
import { ReviewForm } from './review-form';
import { useCaseReviews, useRate } from './reviews';

/**
 * 好差评 (一次一评): once the case has ended, the applicant rates the whole service once, on five
 * levels with the online indicators of GB/T 39734 and a comment, and may change it within the window
 * the bundle states. The items are rated apart (item-ratings.tsx).
 */
export function Rating({ progress, definition }: { progress: CaseProgress; definition?: BundleDefinition }) {
  const { t, i18n } = useTranslation();
  const { caseId } = progress;
  const reviews = useCaseReviews(caseId);
  const rate = useRate(caseId);
  const mine = reviews.data?.reviews.find((r) => !r.itemId);
  return (
    <section aria-labelledby="rating-title" className="rating">
      <h2 id="rating-title">{t('rating.title')}</h2>
      {reviews.error && <ErrorMessage error={reviews.error} />}
      {mine ? (
        <ReviewCard
          caseId={caseId}
          review={mine}
          what={t('rating.wholeCase')}
          question={t('rating.question')}
          departmentName={departmentName(definition, mine.department, i18n.language)}
          opened={rate.data?.rectification}
        />
      ) : (
        reviews.data && (
          <ReviewForm label={t('rating.title')} question={t('rating.question')} submitLabel={t('rating.submit')} pending={rate.isPending} error={rate.error} onSubmit={(draft) => rate.mutate(draft)} />
        )
      )}
    </section>
  );
}
