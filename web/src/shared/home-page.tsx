import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { signIn } from '../auth/oidc';
import { hasRole, isApplicant, useSession } from '../auth/use-session';
import { config } from '../config';
import { PATHS } from './paths';

/** Where each person starts: the screens their roles open, or signing in with the sample people. */
export function HomePage() {
  const { t } = useTranslation();
  const session = useSession();
  const screens = [
    { show: isApplicant(session), href: PATHS.bundles, key: 'apply' },
    { show: isApplicant(session), href: PATHS.myCases, key: 'myCases' },
    { show: hasRole(session, 'window'), href: PATHS.window, key: 'window' },
    { show: hasRole(session, 'department'), href: PATHS.workbench, key: 'workbench' },
    { show: hasRole(session, 'supervisor'), href: PATHS.supervision, key: 'supervision' },
    { show: hasRole(session, 'designer'), href: PATHS.studio, key: 'studio' },
  ].filter((s) => s.show);
  return (
    <section aria-labelledby="home-title" className="home">
      <h1 id="home-title">{t('home.title')}</h1>
      <p className="lead">{t('home.lead')}</p>
      {!session && (
        <>
          {config.oidc ? (
            <p>
              <button type="button" className="primary" onClick={() => void signIn('/')}>
                {t('auth.signIn')}
              </button>
            </p>
          ) : (
            <p role="alert">{t('auth.off')}</p>
          )}
          <h2>{t('home.samplesTitle')}</h2>
          <p>{t('home.samples')}</p>
          <ul className="samples">
            {(['wang-xiaoming', 'gov-service-window', 'market-regulation-handler', 'market-regulation-head', 'supervision-officer', 'bundle-designer'] as const).map((user) => (
              <li key={user}>
                <code>{user}</code> — {t(`home.sample.${user}`)}
              </li>
            ))}
          </ul>
        </>
      )}
      {session && (
        <>
          <h2>{t('home.yourScreens', { name: session.person.name })}</h2>
          {screens.length === 0 ? (
            <p>{t('home.noScreens')}</p>
          ) : (
            <ul className="tiles">
              {screens.map((s) => (
                <li key={s.key} className="tile">
                  <h3>
                    <Link href={s.href}>{t(`nav.${s.key}`)}</Link>
                  </h3>
                  <p className="muted">{t(`home.about.${s.key}`)}</p>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
