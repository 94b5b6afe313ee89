/** The screens' paths (none equals an API route: the API serves both, api/web.ts). */
export const PATHS = {
  home: '/',
  bundles: '/apply',
  apply: (bundleId: string) => `/apply/${encodeURIComponent(bundleId)}`,
  myCases: '/my-cases',
  notices: '/notices',
  progress: (caseId: string) => `/progress/${encodeURIComponent(caseId)}`,
  window: '/window',
  windowCase: (caseId: string) => `/window/${encodeURIComponent(caseId)}`,
  workbench: '/workbench',
  item: (caseId: string, itemId: string) => `/workbench/${encodeURIComponent(caseId)}/${encodeURIComponent(itemId)}`,
  supervision: '/supervision-desk',
  rectifications: '/rectifications-desk',
  studio: '/studio',
} as const;
