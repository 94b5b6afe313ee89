import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api, data } from '../api/client';
import type { Session } from '../auth/session';
import { localized } from '../i18n';
import { ErrorMessage } from '../shared/error-message';
import { formatDateTime } from '../shared/format';
import { PATHS } from '../shared/paths';
import { TableWrap } from '../shared/table-wrap';

/** 一窗受理: the applications waiting at this window, newest first, refreshed every few seconds. */
export function WindowDeskPage({ session }: { session: Session }) {
  const { t } = useTranslation();
  const department = session.person.department ?? '';
  const [pages, setPages] = useState<string[]>([]);
  const pageToken = pages[pages.length - 1];
  const applications = useQuery({
    queryKey: ['window-applications', department, pageToken],
    queryFn: () =>
      data(api.GET('/windows/{department}/applications', { params: { path: { department }, query: { pageSize: 20, ...(pageToken ? { pageToken } : {}) } } })),
    refetchInterval: 5000,
  });
  const [lookup, setLookup] = useState('');
  const [, navigate] = useLocation();
  return (
    <section aria-labelledby="window-title">
      <h1 id="window-title">{t('window.title')}</h1>
      <p>{t('window.intro', { name: session.person.name })}</p>
      <form
        className="inline-form"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          if (lookup.trim()) navigate(PATHS.windowCase(lookup.trim()));
        }}
      >
        <label htmlFor="case-lookup">{t('window.lookup')}</label>
        <input id="case-lookup" value={lookup} onChange={(e) => setLookup(e.target.value)} pattern="[A-Za-z0-9_-]+" />
        <button type="submit">{t('window.open')}</button>
      </form>
      {applications.error && <ErrorMessage error={applications.error} />}
      {applications.isPending && <p role="status">{t('common.loading')}</p>}
      {applications.data && (
        <TableWrap label={t('window.title')}>
          <table>
            <caption>{t('window.incoming', { count: applications.data.items.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('window.bundle')}</th>
                <th scope="col">{t('progress.caseId')}</th>
                <th scope="col">{t('progress.submittedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {applications.data.items.length === 0 && (
                <tr>
                  <td colSpan={3}>{t('window.none')}</td>
                </tr>
              )}
              {applications.data.items.map((a) => (
                <tr key={a.caseId} data-case={a.caseId}>
                  <th scope="row">
                    <Link href={PATHS.windowCase(a.caseId)}>{a.title ? localized(a.title) : a.bundleId}</Link>
                  </th>
                  <td>
                    <code>{a.caseId}</code>
                  </td>
                  <td>{formatDateTime(a.submittedAt)}</td>
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
        <button type="button" disabled={!applications.data?.nextPageToken} onClick={() => setPages((p) => [...p, applications.data!.nextPageToken!])}>
          {t('common.next')}
        </button>
      </nav>
    </section>
  );
}
