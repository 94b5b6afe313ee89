import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { signIn, signOut } from '../auth/oidc';
import { hasRole, isApplicant, useSession } from '../auth/use-session';
import { useNotices } from '../notices/use-notices';
import { ErrorBoundary } from './error-boundary';
import { LanguageSwitch } from './language-switch';
import { PATHS } from './paths';

/** Landmarks on every page: a skip link, the banner with the person and language, navigation, main. */
export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const session = useSession();
  // The applicant's unread in-app notices, counted in the navigation.
  const notices = useNotices(isApplicant(session));
  const unread = notices.data?.unread ?? 0;
  const links: Array<{ href: string; label: string }> = [];
  if (isApplicant(session)) {
    links.push({ href: PATHS.bundles, label: t('nav.apply') }, { href: PATHS.myCases, label: t('nav.myCases') });
    links.push({ href: PATHS.notices, label: unread > 0 ? t('nav.noticesUnread', { count: unread }) : t('nav.notices') });
  }
  if (hasRole(session, 'window')) links.push({ href: PATHS.window, label: t('nav.window') });
  if (hasRole(session, 'department')) links.push({ href: PATHS.workbench, label: t('nav.workbench') }, { href: PATHS.rectifications, label: t('nav.rectifications') });
  if (hasRole(session, 'supervisor')) links.push({ href: PATHS.supervision, label: t('nav.supervision') });
  if (hasRole(session, 'designer')) links.push({ href: PATHS.studio, label: t('nav.studio') });
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="banner">
        <Link href={PATHS.home} className="brand">
          {t('app.name')}
        </Link>
        {links.length > 0 && (
          <nav aria-label={t('nav.label')}>
            <ul>
              {links.map((link) => (
                <li key={link.href}>
                  <Link href={link.href}>{link.label}</Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div className="banner-tools">
          <LanguageSwitch />
          {session ? (
            <>
              <span className="person" data-testid="person">
                {session.person.name}
              </span>
              <button type="button" onClick={() => void signOut()}>
                {t('auth.signOut')}
              </button>
            </>
          ) : (
            <button type="button" className="primary" onClick={() => void signIn()}>
              {t('auth.signIn')}
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary>{children}</ErrorBoundary>
      </main>
      <footer className="footer">
        <p>{t('app.footer')}</p>
      </footer>
    </>
  );
}
