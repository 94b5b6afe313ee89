/**
 * Where the embedded OIDC provider keeps its short-lived state (sessions, interactions, codes, grants):
 * in this process's memory, each entry until it expires. A restart signs everyone out of the provider;
 * access tokens already issued stay valid (they are JWTs, and the signing key is kept in the data folder).
 * oidc-provider's own memory adapter does the same but warns on every start, and keeps at most 1000 entries.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/** Models whose entries belong to a grant, and go when it is revoked. */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/** One provider's storage: `adapterFactory` gives each model its adapter over it. */
export class MemoryOidcStorage {
  private readonly entries = new Map<string, Entry>();
  /** The entries issued under each grant, removed with it. (A session's uid and a user code are entries that point at another.) */
  private readonly byGrant = new Map<string, Set<string>>();

  adapterFactory = (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      upsert: async (id, payload, expiresIn) => {
        this.sweep();
        const expiresAt = Date.now() + expiresIn * 1000;
        this.entries.set(key(id), { payload, expiresAt });
        if (model === 'Session' && payload.uid) this.entries.set(`sessionUid:${payload.uid}`, { payload: { id }, expiresAt });
        if (payload.userCode) this.entries.set(`userCode:${payload.userCode}`, { payload: { id }, expiresAt });
        if (GRANTABLE.has(model) && payload.grantId) {
          const tokens = this.byGrant.get(payload.grantId) ?? new Set<string>();
          tokens.add(key(id));
          this.byGrant.set(payload.grantId, tokens);
        }
      },
      find: async (id) => this.get(key(id)),
      findByUid: async (uid) => {
        const pointer = this.get(`sessionUid:${uid}`);
        return pointer ? this.get(key(String(pointer.id))) : undefined;
      },
      findByUserCode: async (userCode) => {
        const pointer = this.get(`userCode:${userCode}`);
        return pointer ? this.get(key(String(pointer.id))) : undefined;
      },
      consume: async (id) => {
        const entry = this.get(key(id));
        if (entry) entry.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id) => {
        this.entries.delete(key(id));
      },
      revokeByGrantId: async (grantId) => {
        for (const token of this.byGrant.get(grantId) ?? []) this.entries.delete(token);
        this.byGrant.delete(grantId);
      },
    };
  };

  private get(key: string): AdapterPayload | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  private lastSweep = 0;
  /** Drops expired entries, at most once a minute. */
  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    for (const [grantId, tokens] of this.byGrant) {
      for (const token of tokens) if (!this.entries.has(token)) tokens.delete(token);
      if (tokens.size === 0) this.byGrant.delete(grantId);
    }
  }
}
