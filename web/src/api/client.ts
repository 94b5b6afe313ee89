/**
 * The API, typed from its own OpenAPI document (openapi-fetch over `generated/schema.d.ts`, made by
 * scripts/gen-web-client.ts): screens cannot call a route or read a field the API does not have.
 * Same origin; the signed-in person's access token on every request; a 401 ends the session.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { clearSession, currentSession } from '../auth/session';
import type { components, paths } from './generated/schema';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type CaseProgress = Schemas['CaseProgressRead'];
export type ProgressItem = CaseProgress['items'][number];

/** An answer that is a problem (RFC 9457): its status, title, detail and field errors. */
export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    const session = currentSession();
    if (session) request.headers.set('authorization', `Bearer ${session.accessToken}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && currentSession()) clearSession();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

/**
 * The data of an openapi-fetch answer, or an {@link ApiProblem} thrown (a non-problem error body
 * becomes a problem with the status).
 */
export async function data<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data: body, error, response } = await call;
  if (response.ok) return body as T;
  throw new ApiProblem(isProblem(error) ? error : { type: 'about:blank', title: response.statusText || String(response.status), status: response.status });
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'status' in value && 'title' in value;
}

/**
 * Uploads a file as multipart/form-data (field `file`, as the API's upload route takes it from
 * browsers) with progress: fetch cannot report upload progress, XMLHttpRequest can. The browser sets
 * the boundary and the part's media type from the file. The path is one of the API's; the answer is
 * parsed as JSON, a problem thrown.
 */
export function uploadWithProgress<T>(path: string, file: File, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    const session = currentSession();
    if (session) request.setRequestHeader('authorization', `Bearer ${session.accessToken}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      let body: unknown;
      try {
        body = request.responseText ? (JSON.parse(request.responseText) as unknown) : undefined;
      } catch {
        body = undefined; // a proxy's HTML error page, say: the status still tells what happened
      }
      if (request.status >= 200 && request.status < 300) return resolve(body as T);
      if (request.status === 401 && currentSession()) clearSession();
      reject(new ApiProblem(isProblem(body) ? body : { type: 'about:blank', title: request.statusText || String(request.status), status: request.status }));
    };
    request.onerror = () => reject(new ApiProblem({ type: 'about:blank', title: 'network error', status: 0 }));
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}
