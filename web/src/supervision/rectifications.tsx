import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, data, type Schemas } from '../api/client';
import { CardBadge } from '../shared/badges';
import { ErrorMessage } from '../shared/error-message';
import { formatDate, formatDateTime } from '../shared/format';
import { useIdempotencyKey } from '../shared/idempotency';
import { PATHS } from '../shared/paths';
import { TableWrap } from '../shared/table-wrap';

type Rectification = Schemas['Rectification'];
const STATUS_FILTERS = ['open', 'closed', 'all'] as const;
const CARD_FILTERS = ['all', 'yellow', 'red', 'overdue'] as const;
const OUTCOMES = ['satisfied', 'basically-satisfied', 'unsatisfied', 'unreachable'] as const;

/**
 * 差评整改: the rectifications bad ratings opened (`GET /rectifications`), nearest deadline first, with
 * their yellow, red and overdue cards; supervisors see every department's, an officer their own. An
 * officer of the department rated closes an open one with the measures taken and the call-back (回访).
 */
export function Rectifications({ closableBy }: { closableBy?: string }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<(typeof STATUS_FILTERS)[number]>('open');
  const [card, setCard] = useState<(typeof CARD_FILTERS)[number]>('all');
  const [pages, setPages] = useState<string[]>([]);
  const pageToken = pages[pages.length - 1];
  const [closing, setClosing] = useState<string>();
  const list = useQuery({
    queryKey: ['rectifications', status, card, pageToken],
    refetchInterval: 5000,
    queryFn: () =>
      data(
        api.GET('/rectifications', {
          params: { query: { pageSize: 20, ...(status !== 'all' ? { status } : {}), ...(card !== 'all' ? { card } : {}), ...(pageToken ? { pageToken } : {}) } },
        }),
      ),
  });
  const rows = list.data?.items ?? [];

  return (
    <section aria-labelledby="rectifications-title" className="rectifications">
      <h2 id="rectifications-title">{t('rectification.title')}</h2>
      <form className="inline-form" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="rectification-status">{t('rectification.statusFilter')}</label>
        <select
          id="rectification-status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as typeof status);
            setPages([]);
          }}
        >
          {STATUS_FILTERS.map((s) => (
            <option key={s} value={s}>
              {t(`rectification.status.${s}`)}
            </option>
          ))}
        </select>
        <label htmlFor="rectification-card">{t('inbox.card')}</label>
        <select
          id="rectification-card"
          value={card}
          onChange={(e) => {
            setCard(e.target.value as typeof card);
            setPages([]);
          }}
        >
          {CARD_FILTERS.map((c) => (
            <option key={c} value={c}>
              {c === 'all' ? t('supervision.all') : t(`card.${c}`)}
            </option>
          ))}
        </select>
      </form>
      {list.error && <ErrorMessage error={list.error} />}
      {list.data && (
        <TableWrap label={t('rectification.title')}>
          <table>
            <caption>{t('rectification.count', { count: rows.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('progress.caseId')}</th>
                <th scope="col">{t('progress.department')}</th>
                <th scope="col">{t('rectification.rating')}</th>
                <th scope="col">{t('progress.deadline')}</th>
                <th scope="col">{t('inbox.card')}</th>
                <th scope="col">{t('progress.status')}</th>
                <th scope="col">{t('supervision.act')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={7}>{t('rectification.none')}</td>
                </tr>
              )}
              {rows.map((r) => (
                <tr key={r.id} data-rectification={r.id} data-case={r.caseId}>
                  <th scope="row">
                    <Link href={PATHS.progress(r.caseId)}>{r.caseId}</Link>
                    {r.itemId && <div className="muted">{r.itemId}</div>}
                  </th>
                  <td>{r.department}</td>
                  <td>
                    {t(`rating.level.${r.level}`)}
                    {r.comment && <div className="muted">{r.comment}</div>}
                  </td>
                  <td>{r.deadline ? formatDate(r.deadline) : '—'}</td>
                  <td>
                    <CardBadge card={r.card} />
                  </td>
                  <td>
                    {t(`rectification.status.${r.status}`, { defaultValue: r.status })}
                    {r.callback && (
                      <div className="muted">
                        {t('rectification.calledBack', { outcome: t(`rectification.outcome.${r.callback.outcome}`), at: formatDateTime(r.callback.at) })}
                      </div>
                    )}
                    {r.measures && <div className="muted">{r.measures}</div>}
                  </td>
                  <td>
                    {r.status === 'open' && closableBy === r.department && (
                      <button type="button" aria-expanded={closing === r.id} onClick={() => setClosing(closing === r.id ? undefined : r.id)} aria-label={t('rectification.closeLabel', { caseId: r.caseId })}>
                        {t('rectification.close')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <nav aria-label={t('rectification.pages')} className="pager">
        <button type="button" disabled={pages.length === 0} onClick={() => setPages((p) => p.slice(0, -1))}>
          {t('common.previous')}
        </button>
        <button type="button" disabled={!list.data?.nextPageToken} onClick={() => setPages((p) => [...p, list.data!.nextPageToken!])}>
          {t('common.next')}
        </button>
      </nav>
      {closing && rows.some((r) => r.id === closing) && <CloseForm rectification={rows.find((r) => r.id === closing)!} onDone={() => setClosing(undefined)} />}
    </section>
  );
}

/** 整改情况 and 回访: closes one rectification (`POST /rectifications/{id}/close`), once. */
function CloseForm({ rectification, onDone }: { rectification: Rectification; onDone(): void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [measures, setMeasures] = useState('');
  const [outcome, setOutcome] = useState<(typeof OUTCOMES)[number]>('satisfied');
  const [note, setNote] = useState('');
  const [key] = useIdempotencyKey();
  const close = useMutation({
    mutationFn: () =>
      data(
        api.POST('/rectifications/{rectificationId}/close', {
          params: { path: { rectificationId: rectification.id } },
          headers: { 'idempotency-key': `close-${key}` },
          body: { measures: measures.trim(), callback: { outcome, ...(note.trim() ? { note: note.trim() } : {}) } },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['rectifications'] });
      void queryClient.invalidateQueries({ queryKey: ['statistics'] });
      onDone();
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    close.mutate();
  }
  return (
    <form className="actions close-rectification" onSubmit={submit} aria-labelledby="close-title">
      <h3 id="close-title">{t('rectification.closeTitle', { caseId: rectification.caseId })}</h3>
      <label htmlFor="rectification-measures">{t('rectification.measures')}</label>
      <textarea id="rectification-measures" required rows={3} maxLength={4000} value={measures} onChange={(e) => setMeasures(e.target.value)} />
      <fieldset className="levels">
        <legend>{t('rectification.callback')}</legend>
        {OUTCOMES.map((o) => (
          <label key={o} className="level">
            <input type="radio" name="callback-outcome" value={o} checked={outcome === o} onChange={() => setOutcome(o)} /> {t(`rectification.outcome.${o}`)}
          </label>
        ))}
      </fieldset>
      <label htmlFor="rectification-note">{t('rectification.note')}</label>
      <textarea id="rectification-note" rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
      <div className="button-row">
        <button type="submit" className="primary" disabled={close.isPending || measures.trim() === ''}>
          {t('rectification.submit')}
        </button>
      </div>
      {close.error && <ErrorMessage error={close.error} />}
    </form>
  );
}
