/**
 * The signed-in person of this tab: the access token for the API and the claims of the ID token
 * (name, roles, department, department role, applicant subject). Kept in sessionStorage: it ends
 * with the tab, and no other site can read it. A token past its expiry is no session.
 */
export type Role = 'integrator' | 'window' | 'department' | 'designer' | 'supervisor' | 'admin';

export interface Person {
  id: string;
  name: string;
  roles: Role[];
  department?: string;
  departmentRole?: 'handler' | 'reviewer' | 'head';
  /** An applicant's ID number or credit code. */
  subjectId?: string;
}

export interface Session {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  idToken?: string;
  person: Person;
}

const KEY = 'yjs.session';
const listeners = new Set<() => void>();

export function currentSession(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  const session = JSON.parse(raw) as Session;
  return session.expiresAt > Date.now() ? session : undefined;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
  listeners.forEach((listener) => listener());
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
  listeners.forEach((listener) => listener());
}

/** For useSyncExternalStore. */
export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The person of ID token claims (names as `api/oidc.ts` maps them by default). */
export function personOf(claims: Record<string, unknown>): Person {
  const roles = Array.isArray(claims.roles) ? claims.roles : typeof claims.roles === 'string' ? claims.roles.split(' ') : [];
  const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
  return {
    id: String(claims.sub),
    name: text(claims.name) ?? String(claims.sub),
    roles: roles.filter((role): role is Role => ['integrator', 'window', 'department', 'designer', 'supervisor', 'admin'].includes(String(role))),
    department: text(claims.department),
    departmentRole: text(claims.department_role) as Person['departmentRole'],
    subjectId: text(claims.subject_id),
  };
}
