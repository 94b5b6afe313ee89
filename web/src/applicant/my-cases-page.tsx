import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Session } from '../auth/session';
import { localized } from '../i18n';
import { formatDateTime } from '../shared/format';
import { PATHS } from '../shared/paths';
import { myCases } from './my-cases';

export function MyCasesPage({ session }: { session: Session }) {
  const { t } = useTranslation();
  const cases = myCases(session.person.subjectId!);
  return (
    <section aria-labelledby="my-cases-title">
      <h1 id="my-cases-title">{t('myCases.title')}</h1>
      {cases.length === 0 ? (
        <p>
          {t('myCases.none')} <Link href={PATHS.bundles}>{t('nav.apply')}</Link>
        </p>
      ) : (
        <ul className="tiles">
          {cases.map((c) => (
            <li key={c.caseId} className="tile">
              <h2>
                <Link href={PATHS.progress(c.caseId)}>{localized(c.title)}</Link>
              </h2>
              <p className="muted">
                {t('progress.caseId')} <code>{c.caseId}</code> · {formatDateTime(c.submittedAt)}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
