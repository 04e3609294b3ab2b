// The one way the console talks to the API: the typed client generated from docs/openapi.yaml
// (openapi-fetch over openapi-typescript's `paths`), the caller's token on every request, and
// every answer that is not a success turned into an `ApiError` the screens know how to show.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];

export type ErrorKind =
  | "invalid" // 400 / 422 with field errors
  | "signin" // 401
  | "scope" // 403
  | "notFound"
  | "gone"
  | "conflict"
  | "stale" // 412
  | "unavailable" // 503
  | "other";

export class ApiError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly problem: Partial<Problem>;
  /** For 403: the scope the operation needs. */
  readonly scope: string | null;
  /** For 503: seconds to wait, from Retry-After. */
  readonly retryAfter: number | null;

  constructor(status: number, problem: Partial<Problem>, headers: Headers, method: string, path = "") {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.kind = kindOf(status);
    this.scope = status === 403 ? scopeNeeded(headers, method, path) : null;
    const retry = headers.get("retry-after");
    this.retryAfter = retry && /^[0-9]+$/.test(retry) ? Number(retry) : null;
  }

  /** Field errors by JSON pointer (`/email`, `/stages/1/label`). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const error of this.problem.errors ?? []) {
      out[error.pointer] = out[error.pointer] ? `${out[error.pointer]}; ${error.detail}` : error.detail;
    }
    return out;
  }
}

function kindOf(status: number): ErrorKind {
  switch (status) {
    case 400:
    case 422:
      return "invalid";
    case 401:
      return "signin";
    case 403:
      return "scope";
    case 404:
      return "notFound";
    case 410:
      return "gone";
    case 409:
      return "conflict";
    case 412:
      return "stale";
    case 503:
      return "unavailable";
    default:
      return "other";
  }
}

/** RFC 6750's challenge names the scope; API Gateway's own 403 does not, so fall back on the
 * API's rule: reads need crm/read, erasure crm/admin, every other write crm/write. */
export function scopeNeeded(headers: Headers, method: string, path = ""): string {
  const challenge = headers.get("www-authenticate") ?? "";
  const named = /scope="([^"]+)"/.exec(challenge);
  if (named) return named[1];
  if (method === "GET") return "crm/read";
  return path.endsWith("/erase") || path.endsWith("/sla-policy") ? "crm/admin" : "crm/write";
}

let token: string | null = null;
let openUser: string | null = null;
let onSignInNeeded: () => void = () => {};

export function setToken(value: string | null) {
  token = value;
}
/** On the open local stack, `x-user-id` names the user in the audit trail (no token exists). */
export function setOpenUser(value: string | null) {
  openUser = value;
}
export function whenSignInNeeded(callback: () => void) {
  onSignInNeeded = callback;
}

const authorize: Middleware = {
  onRequest({ request }) {
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    else if (openUser) request.headers.set("x-user-id", openUser);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(authorize);

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The data of a successful answer, with its ETag; throws `ApiError` otherwise. A 401 also asks
 * the app to sign in again. */
export async function ok<T>(call: Promise<Answer<T>>): Promise<{ data: T; etag: string | null; response: Response }> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch {
    // The network itself failed: the same advice as a 503.
    throw new ApiError(503, { title: "Service unavailable", detail: "The API could not be reached." }, new Headers(), "GET");
  }
  const { response } = answer;
  if (response.ok) {
    return { data: answer.data as T, etag: response.headers.get("etag"), response };
  }
  const problem = problemOf(answer.error, response.status);
  const request = requests.get(response);
  const error = new ApiError(response.status, problem, response.headers, methodOf(response), request ? new URL(request.url).pathname : "");
  if (error.kind === "signin") onSignInNeeded();
  throw error;
}

/** The request behind each answer, so a 403 can name the scope its method and path need. */
const requests = new WeakMap<Response, Request>();
api.use({
  onResponse({ request, response }) {
    requests.set(response, request);
    return response;
  },
});

function methodOf(response: Response): string {
  return requests.get(response)?.method ?? "GET";
}

function problemOf(body: unknown, status: number): Partial<Problem> {
  if (body && typeof body === "object") {
    const object = body as Record<string, unknown>;
    if (typeof object.detail === "string" || typeof object.title === "string") return object as Partial<Problem>;
    // API Gateway's own answers: {"message": "Unauthorized"}.
    if (typeof object.message === "string") return { status, title: object.message, detail: object.message };
  }
  return { status, title: `HTTP ${status}`, detail: typeof body === "string" && body ? body : `HTTP ${status}` };
}

/** A fresh Idempotency-Key for one intended write (a form draft): a retry or a double click
 * sends the same key, so the API writes once. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
