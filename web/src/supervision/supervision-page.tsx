import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, data } from '../api/client';
import { useBundles } from '../api/definitions';
import type { Session } from '../auth/session';
import { localized } from '../i18n';
import { CardBadge, StatusBadge } from '../shared/badges';
import { ErrorMessage } from '../shared/error-message';
import { formatDate, formatPercent } from '../shared/format';
import { PATHS } from '../shared/paths';
import { BarChart } from './bar-chart';
import { TableWrap } from '../shared/table-wrap';
import { DefaultNotice } from './default-notice';
import { Rectifications } from './rectifications';
import { ReviewCharts } from './review-charts';

const CARDS = ['red', 'overdue', 'yellow'] as const;
type Tab = (typeof CARDS)[number] | 'defaulted' | 'escalated' | 'all';

/** The API's filter for a tab: a card, a status, escalated items, or none. */
function filterOf(tab: Tab) {
  if (tab === 'all') return {};
  if (tab === 'defaulted') return { status: 'defaulted' as const };
  if (tab === 'escalated') return { escalated: 'true' as const };
  return { card: tab };
}

function tabName(tab: Tab, t: TFunction): string {
  if (tab === 'defaulted') return t('status.defaulted');
  if (tab === 'escalated') return t('supervision.escalated');
  if (tab === 'all') return t('supervision.all');
  return t(`card.${tab}`);
}

/**
 * 电子监察: items by card across departments, defaulted items with their sealed notices, escalated
 * items, urges, the rectifications of bad ratings (差评整改), and the statistics (好差评 too) as charts.
 */
export function SupervisionPage(_: { session: Session }) {
  const { t } = useTranslation();
  const [card, setCard] = useState<Tab>('red');
  const [pages, setPages] = useState<string[]>([]);
  const pageToken = pages[pages.length - 1];
  const [bundleId, setBundleId] = useState('');
  const bundles = useBundles();
  const items = useQuery({
    queryKey: ['supervision', card, pageToken],
    refetchInterval: 5000,
    queryFn: () =>
      data(
        api.GET('/supervision/items', {
          params: { query: { pageSize: 20, ...filterOf(card), ...(pageToken ? { pageToken } : {}) } },
        }),
      ),
  });
  const stats = useQuery({
    queryKey: ['statistics', bundleId],
    queryFn: () => data(api.GET('/statistics', { params: { query: bundleId ? { bundleId } : {} } })),
  });
  const s = stats.data;
  const queryClient = useQueryClient();
  // 催办 from the desk: one press per item; the holder and the department are notified (outbox).
  const urge = useMutation({
    mutationFn: (row: { caseId: string; itemId: string }) =>
      data(
        api.POST('/cases/{caseId}/items/{itemId}/urge', {
          params: { path: row },
          headers: { 'idempotency-key': `urge-${row.caseId}-${row.itemId}-${Date.now()}` },
          body: {},
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['supervision'] }),
  });

  return (
    <section aria-labelledby="supervision-title">
      <h1 id="supervision-title">{t('supervision.title')}</h1>
      <div role="tablist" aria-label={t('supervision.cards')} className="tabs">
        {[...CARDS, 'defaulted' as const, 'escalated' as const, 'all' as const].map((c) => (
          <button
            key={c}
            role="tab"
            type="button"
            aria-selected={card === c}
            aria-controls="supervised-items"
            onClick={() => {
              setCard(c);
              setPages([]);
            }}
          >
            {tabName(c, t)}
          </button>
        ))}
      </div>
      <div id="supervised-items" role="tabpanel">
        {items.error && <ErrorMessage error={items.error} />}
        {items.data && (
          <TableWrap label={t('supervision.cards')}>
            <table>
              <caption>{t('supervision.items', { count: items.data.items.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('progress.item')}</th>
                  <th scope="col">{t('progress.department')}</th>
                  <th scope="col">{t('progress.caseId')}</th>
                  <th scope="col">{t('progress.status')}</th>
                  <th scope="col">{t('progress.deadline')}</th>
                  <th scope="col">{t('inbox.card')}</th>
                  <th scope="col">{t('supervision.act')}</th>
                </tr>
              </thead>
              <tbody>
                {items.data.items.length === 0 && (
                  <tr>
                    <td colSpan={7}>{t('supervision.none')}</td>
                  </tr>
                )}
                {items.data.items.map((item) => (
                  <tr key={`${item.caseId}/${item.itemId}`} data-case={item.caseId} data-item={item.itemId}>
                    <th scope="row">
                      <Link href={PATHS.item(item.caseId, item.itemId)}>{item.title ? localized(item.title) : item.itemId}</Link>
                    </th>
                    <td>
                      {item.department}
                      {item.escalatedFrom && <div className="muted">{t('supervision.escalatedFrom', { from: item.escalatedFrom.join('、') })}</div>}
                    </td>
                    <td>
                      <code>{item.caseId}</code>
                    </td>
                    <td>
                      <StatusBadge status={item.status} />
                      {item.status === 'defaulted' && <DefaultNotice caseId={item.caseId} itemId={item.itemId} label={item.title ? localized(item.title) : item.itemId} />}
                    </td>
                    <td>{item.deadline ? formatDate(item.deadline) : '—'}</td>
                    <td>
                      <CardBadge card={item.card} />
                    </td>
                    <td>
                      {['in-review', 'supplementing', 'special-step'].includes(item.status) && (
                        <button
                          type="button"
                          disabled={urge.isPending}
                          aria-label={t('supervision.urgeLabel', { item: item.title ? localized(item.title) : item.itemId, caseId: item.caseId })}
                          onClick={() => urge.mutate({ caseId: item.caseId, itemId: item.itemId })}
                        >
                          {t('item.action.urge')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        {urge.error && <ErrorMessage error={urge.error} />}
        {urge.isSuccess && (
          <p role="status" className="ok-box">
            {t('supervision.urged')}
          </p>
        )}
        <nav aria-label={t('common.pages')} className="pager">
          <button type="button" disabled={pages.length === 0} onClick={() => setPages((p) => p.slice(0, -1))}>
            {t('common.previous')}
          </button>
          <button type="button" disabled={!items.data?.nextPageToken} onClick={() => setPages((p) => [...p, items.data!.nextPageToken!])}>
            {t('common.next')}
          </button>
        </nav>
      </div>

      <Rectifications />

      <section aria-labelledby="stats-title">
        <h2 id="stats-title">{t('supervision.statistics')}</h2>
        <label htmlFor="stats-bundle">{t('supervision.bundle')}</label>{' '}
        <select id="stats-bundle" value={bundleId} onChange={(e) => setBundleId(e.target.value)}>
          <option value="">{t('supervision.allBundles')}</option>
          {bundles.data?.map((b) => (
            <option key={b.id} value={b.id}>
              {localized(b.title)}
            </option>
          ))}
        </select>
        {stats.error && <ErrorMessage error={stats.error} />}
        {s && (
          <div className="charts">
            <BarChart
              title={t('supervision.rates')}
              max={1}
              bars={[
                { label: t('supervision.onTime'), value: s.onTime.rate, text: formatPercent(s.onTime.rate), tone: 'good' },
                { label: t('supervision.sameDay'), value: s.instant.sameDayRatio, text: formatPercent(s.instant.sameDayRatio) },
              ]}
            />
            <BarChart
              title={t('supervision.decided', { count: s.items.decided })}
              bars={(['approved', 'rejected', 'defaulted'] as const).map((k) => ({ label: t(`status.${k}`), value: s.items[k], text: String(s.items[k]), tone: k }))}
            />
            <BarChart
              title={t('supervision.cases')}
              bars={Object.entries(s.cases).map(([status, count]) => ({ label: t(`status.${status}`, { defaultValue: status }), value: count, text: String(count) }))}
            />
            <ReviewCharts reviews={s.reviews} />
            <p className="muted">
              {t('supervision.handling', { mean: s.handlingWorkingDays.mean.toFixed(1), median: s.handlingWorkingDays.median.toFixed(1), limit: s.handlingWorkingDays.meanPromisedLimit.toFixed(1) })}
            </p>
          </div>
        )}
      </section>
    </section>
  );
}
