import { useTranslation } from 'react-i18next';
import type { Schemas } from '../api/client';
import { formatPercent } from '../shared/format';
import { BarChart } from './bar-chart';

const LEVELS = ['5', '4', '3', '2', '1'] as const;

/**
 * 好差评 figures of `GET /statistics` (GB/T 39734): the four rates — satisfaction, bad ratings
 * rectified, rectified on time, called back — and the ratings per level.
 */
export function ReviewCharts({ reviews }: { reviews: Schemas['ReviewStatistics'] }) {
  const { t } = useTranslation();
  const r = reviews.rectifications;
  return (
    <>
      <BarChart
        title={t('supervision.reviewRates', { count: reviews.count })}
        max={1}
        bars={[
          { label: t('supervision.satisfaction'), value: reviews.satisfactionRate, text: formatPercent(reviews.satisfactionRate), tone: 'good' },
          { label: t('supervision.rectified'), value: r.rectificationRate, text: formatPercent(r.rectificationRate) },
          { label: t('supervision.rectifiedOnTime'), value: r.onTimeRate, text: formatPercent(r.onTimeRate) },
          { label: t('supervision.calledBack'), value: r.callbackRate, text: formatPercent(r.callbackRate) },
        ]}
      />
      <BarChart
        title={t('supervision.byLevel')}
        bars={LEVELS.map((level) => ({ label: t(`rating.level.${level}`), value: reviews.byLevel[level], text: String(reviews.byLevel[level]), tone: Number(level) <= 2 ? 'rejected' : 'approved' }))}
      />
    </>
  );
}
