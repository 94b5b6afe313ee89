import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { completeSignIn } from './oidc';
import { ErrorMessage } from '../shared/error-message';

/** Where the provider sends the browser back with the code: exchange it, then go where the person was. */
export function CallbackPage() {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const [error, setError] = useState<unknown>();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return; // StrictMode runs effects twice; the code is good once
    started.current = true;
    completeSignIn(new URL(window.location.href)).then((returnTo) => navigate(returnTo, { replace: true }), setError);
  }, [navigate]);
  return (
    <section aria-labelledby="callback-title">
      <h1 id="callback-title">{t('auth.signingIn')}</h1>
      {error ? <ErrorMessage error={error} /> : <p role="status">{t('common.loading')}</p>}
    </section>
  );
}
