import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Session } from '../auth/session';
import { localized } from '../i18n';
import { StatusBadge } from '../shared/badges';
import { ErrorMessage } from '../shared/error-message';
import { formatDateTime } from '../shared/format';
import { PATHS } from '../shared/paths';
import { useMyCases } from './my-cases';

/** 我的办件: the applicant's cases from the API, newest first, each with its number, status and times. */
export function MyCasesPage({ session }: { session: Session }) {
  const { t } = useTranslation();
  const query = useMyCases(session.person.subjectId!);
  const cases = query.data?.pages.flatMap((page) => page.cases) ?? [];
  return (
    <section aria-labelledby="my-cases-title">
      <h1 id="my-cases-title">{t('myCases.title')}</h1>
      {query.error && <ErrorMessage error={query.error} />}
      {query.isPending && <p role="status">{t('common.loading')}</p>}
      {query.isSuccess && cases.length === 0 && (
        <p>
          {t('myCases.none')} <Link href={PATHS.bundles}>{t('nav.apply')}</Link>
        </p>
      )}
      {cases.length > 0 && (
        <ul className="tiles" data-testid="my-cases">
          {cases.map((c) => (
            <li key={c.caseId} className="tile" data-case={c.caseId}>
              <h2>
                <Link href={PATHS.progress(c.caseId)}>{localized(c.title)}</Link>
              </h2>
              <p>
                <StatusBadge status={c.status} />
              </p>
              <p className="muted">
                {c.caseNumber ? (
                  <>
                    {t('progress.caseNumber')} <span>{c.caseNumber}</span>
                  </>
                ) : (
                  <>
                    {t('progress.caseId')} <code>{c.caseId}</code>
                  </>
                )}
              </p>
              <p className="muted">
                {t('myCases.submittedAt', { time: formatDateTime(c.submittedAt) })} · {t('myCases.updatedAt', { time: formatDateTime(c.updatedAt) })}
              </p>
            </li>
          ))}
        </ul>
      )}
      {query.hasNextPage && (
        <button type="button" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
          {t('myCases.more')}
        </button>
      )}
    </section>
  );
}
