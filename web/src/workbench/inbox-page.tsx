import { useQueries, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { workStepsOf } from '../../../domain/work-steps';
import { api, data } from '../api/client';
import type { Published } from '../api/definitions';
import type { Session } from '../auth/session';
import { localized } from '../i18n';
import { CardBadge, StatusBadge } from '../shared/badges';
import { ErrorMessage } from '../shared/error-message';
import { formatDate } from '../shared/format';
import { PATHS } from '../shared/paths';
import { TableWrap } from '../shared/table-wrap';

const STATUSES = ['in-review', 'supplementing', 'special-step', 'pending', 'approved', 'rejected', 'defaulted'] as const;
const CARDS = ['yellow', 'red', 'overdue'] as const;
type Status = (typeof STATUSES)[number];
type Card = (typeof CARDS)[number];

/**
 * 待办: the department's inbox, nearest deadline first — each item's step, holder, deadline and card,
 * a count per card (黄牌, 红牌, 超期), filters by status and card, and pages.
 */
export function InboxPage({ session }: { session: Session }) {
  const { t } = useTranslation();
  const departments = session.person.department ? [session.person.department] : [];
  const [department] = useState(departments[0] ?? '');
  const [status, setStatus] = useState<Status | ''>('in-review');
  const [card, setCard] = useState<Card | ''>('');
  const [pages, setPages] = useState<string[]>([]);
  const pageToken = pages[pages.length - 1];
  const inbox = useQuery({
    queryKey: ['inbox', department, status, card, pageToken],
    enabled: Boolean(department),
    refetchInterval: 5000,
    queryFn: () =>
      data(
        api.GET('/departments/{department}/inbox', {
          params: { path: { department }, query: { pageSize: 20, ...(status ? { status } : {}), ...(card ? { card } : {}), ...(pageToken ? { pageToken } : {}) } },
        }),
      ),
  });
  // Exact counts per card of every open item in this inbox (one count query, not a page per card).
  const counts = useQuery({
    queryKey: ['inbox-counts', department],
    enabled: Boolean(department),
    refetchInterval: 10_000,
    queryFn: () => data(api.GET('/departments/{department}/inbox/counts', { params: { path: { department } } })),
  });
  // Whose turn it is: the step's role (from the bundle's definition) and its holder. A hint for the
  // officer; the API decides when they act.
  const bundleIds = [...new Set(inbox.data?.items.map((i) => i.bundleId) ?? [])];
  const definitions = useQueries({
    queries: bundleIds.map((id) => ({
      queryKey: ['definition', id, undefined],
      staleTime: 30_000,
      queryFn: async () => (await data(api.GET('/definitions/{id}', { params: { path: { id } } }))) as unknown as Published,
    })),
  });
  const roleOf = (bundleId: string, itemId: string, step: string | undefined) => {
    const definition = definitions[bundleIds.indexOf(bundleId)]?.data?.definition;
    const planned = definition?.items.find((i) => i.id === itemId);
    if (!planned) return undefined;
    const steps = workStepsOf(planned.steps.map((s) => ({ ...s, countsTowardLimit: s.countsTowardLimit ?? true })));
    return (step ? steps.find((s) => s.id === step) : steps[0])?.role;
  };
  const myTurn = (item: { bundleId: string; itemId: string; status: string; step?: string; holder?: string }) =>
    item.status === 'in-review' && (item.holder ? item.holder === session.person.id : roleOf(item.bundleId, item.itemId, item.step) === session.person.departmentRole);
  const filter = (next: () => void) => {
    next();
    setPages([]);
  };

  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t('inbox.title')}</h1>
      <p>{t('inbox.intro', { name: session.person.name, role: t(`departmentRole.${session.person.departmentRole ?? 'none'}`), department })}</p>
      <ul className="card-counts" aria-label={t('inbox.cardCounts')}>
        {CARDS.map((c) => {
          const count = counts.data ? String(counts.data[c]) : '…';
          return (
            <li key={c}>
              <button type="button" className={`count card-${c}`} aria-pressed={card === c} onClick={() => filter(() => setCard(card === c ? '' : c))}>
                <span className="count-number" data-testid={`count-${c}`}>
                  {count}
                </span>{' '}
                {t(`card.${c}`)}
              </button>
            </li>
          );
        })}
      </ul>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="filter-status">{t('inbox.status')}</label>
        <select id="filter-status" value={status} onChange={(e) => filter(() => setStatus(e.target.value as Status | ''))}>
          <option value="">{t('inbox.all')}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
        <label htmlFor="filter-card">{t('inbox.card')}</label>
        <select id="filter-card" value={card} onChange={(e) => filter(() => setCard(e.target.value as Card | ''))}>
          <option value="">{t('inbox.all')}</option>
          {CARDS.map((c) => (
            <option key={c} value={c}>
              {t(`card.${c}`)}
            </option>
          ))}
        </select>
      </form>
      {inbox.error && <ErrorMessage error={inbox.error} />}
      {inbox.isPending && <p role="status">{t('common.loading')}</p>}
      {inbox.data && (
        <TableWrap label={t('inbox.title')}>
          <table className="inbox">
            <caption className="visually-hidden">{t('inbox.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('progress.item')}</th>
                <th scope="col">{t('progress.caseId')}</th>
                <th scope="col">{t('progress.status')}</th>
                <th scope="col">{t('inbox.step')}</th>
                <th scope="col">{t('progress.deadline')}</th>
                <th scope="col">{t('inbox.card')}</th>
              </tr>
            </thead>
            <tbody>
              {inbox.data.items.length === 0 && (
                <tr>
                  <td colSpan={6}>{t('inbox.none')}</td>
                </tr>
              )}
              {inbox.data.items.map((item) => (
                <tr key={`${item.caseId}/${item.itemId}`} data-case={item.caseId} data-item={item.itemId}>
                  <th scope="row">
                    <Link href={PATHS.item(item.caseId, item.itemId)}>{item.title ? localized(item.title) : item.itemId}</Link>
                    {myTurn(item) && <span className="badge my-turn"> {t('inbox.myTurn')}</span>}
                  </th>
                  <td>
                    <code>{item.caseId}</code>
                  </td>
                  <td>
                    <StatusBadge status={item.status} />
                  </td>
                  <td>
                    {item.step ? t(`stepName.${item.step}`, { defaultValue: item.step }) : '—'}
                    {item.holder && <div className="muted">{t('inbox.heldBy', { holder: item.holder })}</div>}
                  </td>
                  <td>{item.deadline ? formatDate(item.deadline) : '—'}</td>
                  <td>
                    <CardBadge card={item.card} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <nav aria-label={t('common.pages')} className="pager">
        <button type="button" disabled={pages.length === 0} onClick={() => setPages((p) => p.slice(0, -1))}>
          {t('common.previous')}
        </button>
        <span>{t('common.page', { page: pages.length + 1 })}</span>
        <button type="button" disabled={!inbox.data?.nextPageToken} onClick={() => setPages((p) => [...p, inbox.data!.nextPageToken!])}>
          {t('common.next')}
        </button>
      </nav>
    </section>
  );
}
