// Who the console acts as. `config.json` (served beside the app) names the way to sign in:
// - `oidc`: the authorization-code flow with PKCE against the stack's Cognito user pool (or the
//   deployment's own issuer); the access token lives in this tab's sessionStorage only;
// - `token`: a bearer token pasted in (locally, `cargo xtask token` against `dev --auth`);
// - `open`: the local open stack, which needs no token and knows no caller: the console asks
//   which user id to act as, for "my" lists and as the default assignee.
import { setOpenUser, setToken } from "./api/client";
import { forgetNames } from "./ui";

export type AuthConfig =
  | { kind: "open" }
  | { kind: "token" }
  | { kind: "oidc"; authorizeUrl: string; tokenUrl: string; clientId: string; scopes: string[]; logoutUrl?: string };

export type Config = { apiBase: string; auth: AuthConfig };

export type Session = {
  /** The user id "me" stands for: the token's subject, or the one chosen on the open stack. */
  userId: string;
  token: string | null;
  scopes: string[];
};

const TOKEN = "eventcrm.token";
const OPEN_USER = "eventcrm.openUser";
const VERIFIER = "eventcrm.pkce.verifier";
const STATE = "eventcrm.pkce.state";

export async function loadConfig(): Promise<Config> {
  const response = await fetch("/config.json", { cache: "no-cache" });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return (await response.json()) as Config;
}

/** The claims of a JWT, read for display and for "me" only: the API verifies every token. */
export function claimsOf(jwt: string): Record<string, unknown> | null {
  const part = jwt.split(".")[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function sessionFromToken(token: string): Session | null {
  const claims = claimsOf(token);
  if (!claims || typeof claims.sub !== "string") return null;
  const scopes = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
  return { userId: claims.sub, token, scopes };
}

/** The session this tab already has, if any (after a redirect back from the issuer, first
 * finishes the code exchange). */
export async function restore(config: Config): Promise<Session | null> {
  if (config.auth.kind === "open") {
    const user = localStorage.getItem(OPEN_USER);
    setOpenUser(user);
    return user ? { userId: user, token: null, scopes: ["crm/read", "crm/write", "crm/admin"] } : null;
  }
  if (config.auth.kind === "oidc") await finishCodeFlow(config.auth);
  const token = sessionStorage.getItem(TOKEN);
  const session = token ? sessionFromToken(token) : null;
  setToken(session?.token ?? null);
  return session;
}

export function signInOpen(userId: string): Session {
  localStorage.setItem(OPEN_USER, userId);
  setOpenUser(userId);
  return { userId, token: null, scopes: ["crm/read", "crm/write", "crm/admin"] };
}

export function signInWithToken(token: string): Session | null {
  const session = sessionFromToken(token.trim());
  if (!session) return null;
  sessionStorage.setItem(TOKEN, session.token!);
  setToken(session.token);
  return session;
}

export function signOut() {
  sessionStorage.removeItem(TOKEN);
  localStorage.removeItem(OPEN_USER);
  setToken(null);
  setOpenUser(null);
  forgetNames();
}

/** Signing out also ends the issuer's own session (Cognito's `/logout`), so the next sign-in on
 * a shared machine asks for credentials again. */
export function signOutEverywhere(config: Config) {
  signOut();
  if (config.auth.kind === "oidc" && config.auth.logoutUrl) {
    const url = new URL(config.auth.logoutUrl);
    url.search = new URLSearchParams({ client_id: config.auth.clientId, logout_uri: redirectUri() }).toString();
    location.assign(url.toString());
  }
}

/** Why the last return from the issuer did not sign anyone in, if it did not. */
export let signInFailure: string | null = null;

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** Sends the browser to the issuer (RFC 7636: S256 challenge, state against CSRF). */
export async function startCodeFlow(auth: Extract<AuthConfig, { kind: "oidc" }>) {
  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem(VERIFIER, verifier);
  sessionStorage.setItem(STATE, state);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  const url = new URL(auth.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: auth.clientId,
    redirect_uri: redirectUri(),
    scope: auth.scopes.join(" "),
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  location.assign(url.toString());
}

function redirectUri(): string {
  return `${location.origin}/`;
}

async function finishCodeFlow(auth: Extract<AuthConfig, { kind: "oidc" }>) {
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  if (!code && !params.get("error")) return;
  const verifier = sessionStorage.getItem(VERIFIER);
  const expected = sessionStorage.getItem(STATE);
  sessionStorage.removeItem(VERIFIER);
  sessionStorage.removeItem(STATE);
  // Drop the code from the address bar whatever happens next.
  history.replaceState(null, "", `${location.pathname}${location.hash}`);
  const refused = params.get("error");
  if (refused) {
    signInFailure = `The sign-in was refused: ${params.get("error_description") ?? refused}.`;
    return;
  }
  if (!verifier || !expected || params.get("state") !== expected) {
    signInFailure = "The sign-in could not be checked (it was not started from this tab): sign in again.";
    return;
  }
  const response = await fetch(auth.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: auth.clientId,
      code: code ?? "",
      redirect_uri: redirectUri(),
      code_verifier: verifier,
    }),
  });
  if (!response.ok) {
    signInFailure = `The sign-in could not be completed (the issuer answered ${response.status}): sign in again.`;
    return;
  }
  const tokens = (await response.json()) as { access_token?: string };
  if (tokens.access_token) sessionStorage.setItem(TOKEN, tokens.access_token);
}
