import { useSyncExternalStore } from 'react';
import { currentSession, subscribeSession, type Role, type Session } from './session';

/** The signed-in person's session, re-rendering when it starts or ends. */
export function useSession(): Session | undefined {
  const raw = useSyncExternalStore(subscribeSession, () => sessionStorage.getItem('yjs.session'));
  return raw ? currentSession() : undefined;
}

export function hasRole(session: Session | undefined, ...roles: Role[]): boolean {
  return session?.person.roles.some((role) => roles.includes(role)) ?? false;
}

export function isApplicant(session: Session | undefined): boolean {
  return Boolean(session?.person.subjectId);
}
