import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { signIn } from './oidc';
import type { Role, Session } from './session';
import { hasRole, isApplicant, useSession } from './use-session';

interface Props {
  /** Any of these roles; `applicant`: a person with an applicant subject. */
  allow: Array<Role | 'applicant'>;
  children: (session: Session) => ReactNode;
}

/** A screen for some people: a sign-in button for nobody, an explanation for the wrong person. */
export function RequirePerson({ allow, children }: Props) {
  const { t } = useTranslation();
  const session = useSession();
  if (!session) {
    return (
      <section aria-labelledby="signin-needed">
        <h1 id="signin-needed">{t('auth.needed')}</h1>
        <p>{t('auth.neededHint')}</p>
        <button type="button" className="primary" onClick={() => void signIn()}>
          {t('auth.signIn')}
        </button>
      </section>
    );
  }
  const roles = allow.filter((role): role is Role => role !== 'applicant');
  const allowed = hasRole(session, ...roles) || (allow.includes('applicant') && isApplicant(session));
  if (!allowed) {
    return (
      <section aria-labelledby="not-allowed">
        <h1 id="not-allowed">{t('auth.notAllowed')}</h1>
        <p>{t('auth.notAllowedHint', { name: session.person.name })}</p>
      </section>
    );
  }
  return <>{children(session)}</>;
}
