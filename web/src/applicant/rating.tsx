import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data } from '../api/client';
import { ErrorMessage } from '../shared/error-message';
import { formatDateTime } from '../shared/format';
import { useIdempotencyKey } from '../shared/idempotency';

const LEVELS = [5, 4, 3, 2, 1] as const;

/** 好差评: once the case has ended, the applicant rates the whole service once, on five levels (GB/T 39734). */
export function Rating({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const reviews = useQuery({ queryKey: ['reviews', caseId], queryFn: () => data(api.GET('/cases/{caseId}/reviews', { params: { path: { caseId } } })) });
  const [level, setLevel] = useState<number>();
  const [comment, setComment] = useState('');
  const [key] = useIdempotencyKey();
  const rate = useMutation({
    mutationFn: () =>
      data(
        api.POST('/cases/{caseId}/reviews', {
          params: { path: { caseId } },
          headers: { 'idempotency-key': `rate-${key}` },
          body: { level: level!, indicators: {}, ...(comment.trim() ? { comment: comment.trim() } : {}) },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['reviews', caseId] }),
  });
  const mine = reviews.data?.reviews.find((r) => !r.itemId);
  return (
    <section aria-labelledby="rating-title" className="actions">
      <h2 id="rating-title">{t('rating.title')}</h2>
      {reviews.error && <ErrorMessage error={reviews.error} />}
      {mine ? (
        <p role="status" className="ok-box">
          {t('rating.given', { level: t(`rating.level.${mine.level}`), at: formatDateTime(mine.createdAt) })}
          {mine.comment ? ` ${mine.comment}` : ''}
        </p>
      ) : (
        reviews.data && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (level) rate.mutate();
            }}
          >
            <fieldset className="levels">
              <legend>{t('rating.question')}</legend>
              {LEVELS.map((l) => (
                <label key={l} className="level">
                  <input type="radio" name="level" value={l} checked={level === l} onChange={() => setLevel(l)} /> {t(`rating.level.${l}`)}
                </label>
              ))}
            </fieldset>
            <label htmlFor="rating-comment">{t('rating.comment')}</label>
            <textarea id="rating-comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={1000} />
            <div className="button-row">
              <button type="submit" className="primary" disabled={!level || rate.isPending}>
                {t('rating.submit')}
              </button>
            </div>
            {rate.error && <ErrorMessage error={rate.error} />}
          </form>
        )
      )}
    </section>
  );
}
