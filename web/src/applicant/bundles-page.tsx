import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useBundles } from '../api/definitions';
import type { Session } from '../auth/session';
import { localized } from '../i18n';
import { ErrorMessage } from '../shared/error-message';
import { PATHS } from '../shared/paths';

/** The things one can do in one go (一件事): each opens its notice (一次告知) and form. */
export function BundlesPage({ session }: { session: Session }) {
  const { t } = useTranslation();
  const bundles = useBundles();
  return (
    <section aria-labelledby="bundles-title">
      <h1 id="bundles-title">{t('bundles.title')}</h1>
      <p>{t('bundles.intro', { name: session.person.name })}</p>
      {bundles.error && <ErrorMessage error={bundles.error} />}
      {bundles.isPending && <p role="status">{t('common.loading')}</p>}
      <ul className="tiles">
        {bundles.data?.map((bundle) => (
          <li key={bundle.id} className="tile">
            <h2>
              <Link href={PATHS.apply(bundle.id)}>{localized(bundle.title)}</Link>
            </h2>
            <p className="muted">{t('bundles.version', { version: bundle.latestVersion })}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
