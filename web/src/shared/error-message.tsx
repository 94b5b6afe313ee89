import { useTranslation } from 'react-i18next';
import { ApiProblem } from '../api/client';

/** An error as the person should read it: a problem's title and detail, each field error at its path. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error instanceof ApiProblem) {
    const { problem } = error;
    return (
      <div role="alert" className="error-box">
        <p>
          <strong>{t(`problem.status.${problem.status}`, { defaultValue: problem.title })}</strong>
          {problem.detail ? ` ${problem.detail}` : ''}
        </p>
        {problem.errors && problem.errors.length > 0 && (
          <ul>
            {problem.errors.map((e) => (
              <li key={`${e.path}:${e.message}`}>
                <code>{e.path || '/'}</code> {e.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <div role="alert" className="error-box">
      <p>{error instanceof Error ? error.message : t('common.unknownError')}</p>
    </div>
  );
}
