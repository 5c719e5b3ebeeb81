/**
 * Who is signed in, per app. Locally (`npm start`) the user picks a demo identity and,
 * optionally, a business date: the dev server honours x-dev-principal and x-dev-business-date,
 * which deployed functions ignore. In AWS the app sends the user pool's ID token after the
 * hosted sign-in (OAuth 2.0 authorization code with PKCE, by oidc-client-ts).
 */
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { CredentialHeaders } from './api.ts';
import type { SiteConfig } from './config.ts';

export interface LocalIdentity {
  /** x-dev-principal: `sme:<borrowerId>` or `ops:<id>`. */
  readonly principal: string;
  /** x-dev-business-date, or undefined for today. */
  readonly businessDate?: string;
}

export interface Session {
  /** Shown in the header: the borrower id, the staff member's name or phone number. */
  readonly who: string;
  readonly credentials: CredentialHeaders;
  readonly signOut: () => Promise<void>;
  /** Locally: the business date the demo runs on (undefined: today). */
  readonly businessDate?: string;
}

export class Auth {
  readonly #config: SiteConfig;
  readonly #storageKey: string;
  readonly #manager: UserManager | undefined;

  constructor(config: SiteConfig, app: 'sme' | 'ops') {
    this.#config = config;
    this.#storageKey = `credit.${app}.local-identity`;
    const cognito = config.cognito;
    this.#manager =
      config.mode === 'cognito' && cognito !== undefined
        ? new UserManager({
            authority: cognito.authority,
            client_id: cognito.clientId,
            redirect_uri: new URL('.', location.href).href,
            response_type: 'code',
            scope: cognito.scope,
            userStore: new WebStorageStateStore({ store: sessionStorage }),
          })
        : undefined;
  }

  get mode(): SiteConfig['mode'] {
    return this.#config.mode;
  }

  /** The current session, completing a hosted sign-in redirect when the URL carries its code. */
  async current(): Promise<Session | null> {
    if (this.#manager !== undefined) return this.#cognitoSession(this.#manager);
    const stored = sessionStorage.getItem(this.#storageKey);
    if (stored === null) return null;
    return this.#localSession(JSON.parse(stored) as LocalIdentity);
  }

  signInLocal(identity: LocalIdentity): Session {
    sessionStorage.setItem(this.#storageKey, JSON.stringify(identity));
    return this.#localSession(identity);
  }

  /** Sends the browser to the hosted sign-in page (phone number and SMS code for SMEs). */
  async signInHosted(): Promise<void> {
    await this.#manager?.signinRedirect();
  }

  #localSession(identity: LocalIdentity): Session {
    const headers: Record<string, string> = { 'x-dev-principal': identity.principal };
    if (identity.businessDate !== undefined && identity.businessDate !== '') headers['x-dev-business-date'] = identity.businessDate;
    return {
      who: identity.principal.slice(identity.principal.indexOf(':') + 1),
      credentials: async () => headers,
      signOut: async () => sessionStorage.removeItem(this.#storageKey),
      ...(identity.businessDate ? { businessDate: identity.businessDate } : {}),
    };
  }

  async #cognitoSession(manager: UserManager): Promise<Session | null> {
    const params = new URLSearchParams(location.search);
    if (params.has('code') && params.has('state')) {
      await manager.signinCallback();
      history.replaceState(null, '', location.pathname + location.hash);
    }
    const user = await manager.getUser();
    if (user === null || user.expired === true) return null;
    const profile = user.profile as Record<string, unknown>;
    const who = String(profile['phone_number'] ?? profile['email'] ?? profile['cognito:username'] ?? profile.sub);
    const domain = this.#config.cognito?.domain ?? '';
    return {
      who,
      credentials: async (): Promise<Record<string, string>> => {
        const fresh = await manager.getUser();
        return fresh?.id_token === undefined ? {} : { authorization: fresh.id_token };
      },
      signOut: async () => {
        await manager.removeUser();
        const logout = new URL('/logout', domain);
        logout.searchParams.set('client_id', this.#config.cognito?.clientId ?? '');
        logout.searchParams.set('logout_uri', new URL('.', location.href).href);
        location.assign(logout.href);
      },
    };
  }
}
