import { useTranslation } from 'react-i18next';
import type { Session } from '../auth/session';
import { Rectifications } from './rectifications';

/**
 * 差评整改 for a department: the rectifications of its bad ratings, with their cards, each closed here
 * with the measures taken and the call-back to the applicant (supervisors see every department's, on
 * the supervision desk too).
 */
export function RectificationsPage({ session }: { session: Session }) {
  const { t } = useTranslation();
  const department = session.person.roles.includes('department') ? session.person.department : undefined;
  return (
    <section aria-labelledby="rectifications-page-title">
      <h1 id="rectifications-page-title">{t('rectification.pageTitle')}</h1>
      <p className="muted">{t('rectification.help')}</p>
      <Rectifications closableBy={department} />
    </section>
  );
}
