import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { PATHS } from './paths';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="not-found">
      <h1 id="not-found">{t('notFound.title')}</h1>
      <p>
        <Link href={PATHS.home}>{t('notFound.home')}</Link>
      </p>
    </section>
  );
}
