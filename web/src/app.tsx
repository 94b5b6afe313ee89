/**
 * The screens and their paths. Each screen's folder holds its pages; the designer studio (CodeMirror,
 * elkjs) loads only when opened. Paths never equal an API route's (the API serves both, api/web.ts).
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Switch } from 'wouter';
import { CallbackPage } from './auth/callback-page';
import { SIGN_IN_CALLBACK_PATH } from './auth/oidc';
import { RequirePerson } from './auth/require-person';
import { HomePage } from './shared/home-page';
import { Layout } from './shared/layout';
import { NotFoundPage } from './shared/not-found-page';
import { BundlesPage } from './applicant/bundles-page';
import { ApplyPage } from './applicant/apply-page';
import { MyCasesPage } from './applicant/my-cases-page';
import { ProgressPage } from './applicant/progress-page';
import { WindowDeskPage } from './window/window-desk-page';
import { WindowCasePage } from './window/window-case-page';
import { InboxPage } from './workbench/inbox-page';
import { ItemPage } from './workbench/item-page';
import { SupervisionPage } from './supervision/supervision-page';
import { NoticesPage } from './notices/notices-page';
import { RectificationsPage } from './supervision/rectifications-page';

const StudioPage = lazy(() => import('./studio/studio-page'));

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 2000 } },
});

export function App() {
  const { t } = useTranslation();
  return (
    <QueryClientProvider client={queryClient}>
      <Layout>
        <Suspense fallback={<p role="status">{t('common.loading')}</p>}>
          <Switch>
            <Route path="/" component={HomePage} />
            <Route path={SIGN_IN_CALLBACK_PATH} component={CallbackPage} />
            <Route path="/apply">{() => <RequirePerson allow={['applicant']}>{(s) => <BundlesPage session={s} />}</RequirePerson>}</Route>
            <Route path="/apply/:bundleId">
              {(params) => <RequirePerson allow={['applicant']}>{(s) => <ApplyPage session={s} bundleId={params.bundleId} />}</RequirePerson>}
            </Route>
            <Route path="/notices">{() => <RequirePerson allow={['applicant']}>{() => <NoticesPage />}</RequirePerson>}</Route>
            <Route path="/my-cases">{() => <RequirePerson allow={['applicant']}>{(s) => <MyCasesPage session={s} />}</RequirePerson>}</Route>
            <Route path="/progress/:caseId">
              {(params) => <RequirePerson allow={['applicant', 'window', 'supervisor', 'integrator']}>{() => <ProgressPage caseId={params.caseId} />}</RequirePerson>}
            </Route>
            <Route path="/window">{() => <RequirePerson allow={['window']}>{(s) => <WindowDeskPage session={s} />}</RequirePerson>}</Route>
            <Route path="/window/:caseId">
              {(params) => <RequirePerson allow={['window']}>{(s) => <WindowCasePage session={s} caseId={params.caseId} />}</RequirePerson>}
            </Route>
            <Route path="/workbench">{() => <RequirePerson allow={['department', 'supervisor']}>{(s) => <InboxPage session={s} />}</RequirePerson>}</Route>
            <Route path="/workbench/:caseId/:itemId">
              {(params) => (
                <RequirePerson allow={['department', 'supervisor']}>{(s) => <ItemPage session={s} caseId={params.caseId} itemId={params.itemId} />}</RequirePerson>
              )}
            </Route>
            <Route path="/supervision-desk">{() => <RequirePerson allow={['supervisor']}>{(s) => <SupervisionPage session={s} />}</RequirePerson>}</Route>
            <Route path="/rectifications-desk">{() => <RequirePerson allow={['department', 'supervisor']}>{(s) => <RectificationsPage session={s} />}</RequirePerson>}</Route>
            <Route path="/studio">{() => <RequirePerson allow={['designer']}>{() => <StudioPage />}</RequirePerson>}</Route>
            <Route component={NotFoundPage} />
          </Switch>
        </Suspense>
      </Layout>
    </QueryClientProvider>
  );
}
