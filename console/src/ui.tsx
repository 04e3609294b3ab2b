// Building blocks every screen shares: loading, errors as people expect them, forms with
// field errors at their field and one Idempotency-Key per draft, cursor paging, the timeline
// and the "as it was on…" control.
import type { ComponentChildren, JSX } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, ApiError, newIdempotencyKey, ok, type Schemas } from "./api/client";

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, { title: "Unexpected error", detail: String(error) }, new Headers(), "GET");
}

/** Loads `load()` when `deps` change; `reload()` loads again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error: asApiError(error), loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** A record read now, or as it stood at the instant `asOf` names (null: now). */
export function useRecordAsOf<T>(read: (query: { asOf?: string }) => Promise<T>, id: string) {
  const [asOf, setAsOf] = useState<string | null>(null);
  const record = useLoad(() => read(asOf ? { asOf } : {}), [id, asOf]);
  return { asOf, setAsOf, record };
}

/** Read models follow a write through the event stream, a moment later: after a write, a
 * screen that shows one reads again now and twice more shortly after. */
export function refreshAfterWrite(reload: () => void) {
  reload();
  for (const delay of [1000, 3000]) setTimeout(reload, delay);
}

/** What went wrong, in words, with the one action that helps. */
export function ErrorNotice({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  // A 503's Retry-After: the retry button waits that long.
  const [wait, setWait] = useState(error.kind === "unavailable" ? (error.retryAfter ?? 0) : 0);
  useEffect(() => {
    setWait(error.kind === "unavailable" ? (error.retryAfter ?? 0) : 0);
  }, [error]);
  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait(wait - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);
  let message: ComponentChildren;
  let action: ComponentChildren = null;
  switch (error.kind) {
    case "stale":
      message = "Someone else changed this record since you opened it. Nothing of yours was saved.";
      if (onRetry) action = <button type="button" onClick={onRetry}>Reload the record</button>;
      break;
    case "scope":
      message = `You are not allowed to do this: it needs the ${error.scope} permission (scope), which your sign-in does not grant.`;
      break;
    case "signin":
      message = "Your sign-in has ended or is not valid. Sign in again to continue.";
      action = (
        <a class="button" href="#/signin">
          Sign in again
        </a>
      );
      break;
    case "unavailable":
      message = `The service is busy or unavailable right now. ${error.retryAfter != null ? `Try again in ${error.retryAfter} s.` : "Try again shortly."} ${error.problem.detail ?? ""}`;
      if (onRetry)
        action = (
          <button type="button" onClick={onRetry} disabled={wait > 0}>
            {wait > 0 ? `Try again (${wait} s)` : "Try again"}
          </button>
        );
      break;
    case "invalid":
      // An error summary: every field error, also shown at its field where the form has one.
      message = error.problem.errors?.length ? (
        <>
          Some fields need attention:
          <ul>
            {error.problem.errors.map((e, i) => (
              <li key={i}>
                {humanize(e.pointer.split("/").filter(Boolean).join(" ") || "request")}: {e.detail}
              </li>
            ))}
          </ul>
        </>
      ) : (
        error.message
      );
      break;
    default:
      message = error.message;
  }
  return (
    <div class={`notice notice-${error.kind}`} role="alert">
      <strong>{titleOf(error)}</strong> <span>{message}</span> {action}
    </div>
  );
}

function titleOf(error: ApiError): string {
  switch (error.kind) {
    case "stale":
      return "Changed meanwhile.";
    case "scope":
      return "Not permitted.";
    case "signin":
      return "Sign in again.";
    case "unavailable":
      return "Please retry.";
    case "invalid":
      return "Not saved.";
    case "conflict":
      return "Not possible now.";
    case "notFound":
      return "Not found.";
    case "gone":
      return "Erased.";
    default:
      return "Something went wrong.";
  }
}

/** A record's screen before the record is read: loading, or why it cannot be. */
export function RecordPending({
  name,
  record,
  asOf,
  onNow,
}: {
  name: string;
  record: { error?: ApiError; reload: () => void };
  asOf: string | null;
  onNow: () => void;
}) {
  return (
    <main id="main" tabIndex={-1}>
      <h1>{name}</h1>
      {record.error ? <ErrorNotice error={record.error} onRetry={record.reload} /> : <Loading />}
      {/* Before its first event a record did not exist: a way back from that instant. */}
      {asOf && record.error && (
        <p>
          Asked as it stood on {dateTime(asOf)}.{" "}
          <button type="button" onClick={onNow}>
            Back to now
          </button>
        </p>
      )}
    </main>
  );
}

export function Loading() {
  return (
    <p class="muted" role="status">
      Loading…
    </p>
  );
}

/** A form's life: one Idempotency-Key per draft (kept across a failed try and a double click,
 * renewed after success), the pending flag, the last error and its field errors. */
export function useSubmit<T, A = undefined>(
  run: (idempotencyKey: string, argument?: A) => Promise<T>,
  onDone?: (result: T) => void,
) {
  const key = useRef(newIdempotencyKey());
  const pending = useRef(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const last = useRef<A | undefined>(undefined);
  const submit = useCallback(
    async (event?: Event, argument?: A) => {
      event?.preventDefault();
      if (pending.current) return;
      pending.current = true;
      last.current = argument;
      setBusy(true);
      setError(null);
      try {
        const result = await run(key.current, argument);
        key.current = newIdempotencyKey();
        onDone?.(result);
      } catch (e) {
        const failure = asApiError(e);
        // The key already answered another request: an earlier try of this draft was saved
        // before the draft changed. Say so, and let the next submit be a new request.
        if (failure.status === 422 && /idempotency/i.test(failure.message)) {
          key.current = newIdempotencyKey();
        }
        setError(failure);
      } finally {
        pending.current = false;
        setBusy(false);
      }
    },
    [run, onDone],
  );
  /** The last try again, with the same key: after a 503 the API writes at most once. */
  const resend = useCallback(() => submit(undefined, last.current), [submit]);
  const fields = useMemo(() => error?.fieldErrors() ?? {}, [error]);
  return { submit, resend, busy, error, fields, clearError: () => setError(null) };
}

/** A form's error: a 503's retry re-sends the write (same key), a 412's reloads the record. */
export function FormError({ form, onReload }: { form: { error: ApiError | null; resend: () => void }; onReload?: () => void }) {
  if (!form.error) return null;
  const retry = form.error.kind === "unavailable" ? form.resend : form.error.kind === "stale" ? onReload : undefined;
  return <ErrorNotice error={form.error} onRetry={retry} />;
}

let nextId = 0;
function useId(prefix: string) {
  return useMemo(() => `${prefix}-${++nextId}`, [prefix]);
}

type FieldProps = {
  label: string;
  name: string;
  /** The JSON pointer the API names for this field. */
  pointer?: string;
  errors: Record<string, string>;
  hint?: string;
  children: (props: { id: string; name: string; "aria-invalid"?: "true"; "aria-describedby"?: string }) => JSX.Element;
};

/** A labelled control with its hint and, after a refused submit, the API's error for it. */
export function Field({ label, name, pointer, errors, hint, children }: FieldProps) {
  const id = useId(name);
  const error = errors[pointer ?? `/${name}`];
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class={`field${error ? " field-invalid" : ""}`}>
      <label for={id}>{label}</label>
      {children({ id, name, ...(error ? { "aria-invalid": "true" } : {}), ...(described ? { "aria-describedby": described } : {}) })}
      {hint && (
        <small id={`${id}-hint`} class="muted">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      )}
    </div>
  );
}

/** A labelled `<select>` of fixed choices, with the API's error for it. */
export function Choice<T extends string>({
  label,
  name,
  value,
  options,
  onChange,
  errors,
}: {
  label: string;
  name: string;
  value: T;
  options: readonly T[];
  onChange: (value: T) => void;
  errors: Record<string, string>;
}) {
  return (
    <Field label={label} name={name} errors={errors}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.currentTarget.value as T)}>
          {options.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      )}
    </Field>
  );
}

type Page<T> = { items: T[]; nextCursor: string | null };

type PagedProps<T> = {
  load: (cursor: string | undefined) => Promise<Page<T>>;
  deps: unknown[];
  render: (items: T[]) => JSX.Element;
  empty: string;
  label: string;
};

/** A list read page by page with the API's cursors (previous pages are remembered); another
 * query (other `deps`) is another list, from its first page. */
export function Paged<T>(props: PagedProps<T>) {
  return <PagedList key={`${props.label}:${JSON.stringify(props.deps)}`} {...props} />;
}

function PagedList<T>({ load, deps, render, empty, label }: PagedProps<T>) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(() => load(cursor), [...deps, cursor]);
  return (
    <section aria-label={label}>
      {page.error && <ErrorNotice error={page.error} onRetry={page.reload} />}
      {page.loading && !page.data && <Loading />}
      {page.data && (page.data.items.length ? render(page.data.items) : <p class="muted">{empty}</p>)}
      <nav class="pager" aria-label={`${label} pages`}>
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <span class="muted">Page {cursors.length}</span>
        <button
          type="button"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}

/** Every change of a record, newest first: which event, when, by whom, what it recorded. */
export function Timeline({
  load,
  deps,
}: {
  load: (cursor: string | undefined) => Promise<Schemas["HistoryPage"]>;
  deps: unknown[];
}) {
  return (
    <Paged
      label="Timeline"
      load={load}
      deps={deps}
      empty="No history."
      render={(entries) => (
        <ol class="timeline">
          {entries.map((entry) => (
            <li key={entry.version}>
              <div>
                <strong class="event-type">{humanize(entry.eventType)}</strong> <span class="muted">v{entry.version}</span>
              </div>
              <div class="muted">
                <time dateTime={entry.occurredAt}>{dateTime(entry.occurredAt)}</time> by {entry.userId ?? "an open-stack caller"}
                {entry.causationId ? ` · caused by event ${entry.causationId}` : ""} · via {entry.source}
              </div>
              <Changes changes={entry.changes as Record<string, unknown>} />
            </li>
          ))}
        </ol>
      )}
    />
  );
}

function Changes({ changes }: { changes: Record<string, unknown> }) {
  const keys = Object.keys(changes ?? {});
  if (!keys.length) return null;
  return (
    <dl class="changes">
      {keys.map((key) => (
        <div key={key}>
          <dt>{humanize(key)}</dt>
          <dd>{typeof changes[key] === "object" ? JSON.stringify(changes[key]) : String(changes[key])}</dd>
        </div>
      ))}
    </dl>
  );
}

/** "See it as it was on…": a local date and time, turned into the instant the API reads at. */
export function AsOfControl({ asOf, onChange }: { asOf: string | null; onChange: (asOf: string | null) => void }) {
  const [value, setValue] = useState("");
  const id = useId("asof");
  return (
    <form
      class="asof"
      onSubmit={(event) => {
        event.preventDefault();
        if (value) onChange(new Date(value).toISOString());
      }}
    >
      <label for={id}>See it as it was on</label>
      <input id={id} type="datetime-local" step="1" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      <button type="submit">Show</button>
      {asOf && (
        <button type="button" onClick={() => onChange(null)}>
          Back to now
        </button>
      )}
    </form>
  );
}

export function AsOfBanner({ asOf }: { asOf: string | null }) {
  if (!asOf) return null;
  return (
    <p class="notice notice-asof" role="status">
      Showing the record as it stood on <time dateTime={asOf}>{dateTime(asOf)}</time> (read-only).
    </p>
  );
}

/** A modal dialog (the platform's `<dialog>`: focus trapped, Escape closes). */
export function Dialog({ title, open, onClose, children }: { title: string; open: boolean; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId("dialog");
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={id} onClose={onClose}>
      <h2 id={id}>{title}</h2>
      {children}
    </dialog>
  );
}

export function humanize(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/_/g, " ")
    .replace(/^./, (c) => c.toUpperCase());
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "in 3 h 20 min" / "2 h 5 min ago", from `now`. */
export function timeLeft(iso: string, now = Date.now()): string {
  const minutes = Math.round((new Date(iso).getTime() - now) / 60000);
  const size = Math.abs(minutes);
  const days = Math.floor(size / 1440);
  const hours = Math.floor((size % 1440) / 60);
  const rest = size % 60;
  const text = [days ? `${days} d` : "", hours ? `${hours} h` : "", !days ? `${rest} min` : ""].filter(Boolean).join(" ");
  return minutes >= 0 ? `in ${text}` : `${text} ago`;
}

/** A decimal amount with its ISO currency, shown exactly as the API gives it. */
export function money(amount: string, currency: string): string {
  return `${amount} ${currency}`;
}

/** An `If-Match` header for the version the screen shows. */
export function ifMatch(etag: string | null | undefined): Record<string, string> {
  return etag ? { "If-Match": etag } : {};
}

export function Badge({ children, tone }: { children: ComponentChildren; tone?: string }) {
  return <span class={`badge${tone ? ` badge-${tone}` : ""}`}>{children}</span>;
}

const names = new Map<string, Promise<string>>();

/** Forgets every name read (on sign-out, and after an erasure). */
export function forgetNames() {
  names.clear();
}

/** A client's or contact's name (read once per id and page load): the id until then, or when
 * it cannot be read (an erased person reads as `[erased]`). */
type Named = "client" | "contact" | "case";

function readName(type: Named, id: string): Promise<string> {
  const params = { params: { path: { id } } };
  switch (type) {
    case "client":
      return ok(api.GET("/api/clients/{id}", params)).then((a) => a.data.name);
    case "contact":
      return ok(api.GET("/api/contacts/{id}", params)).then((a) => a.data.name);
    case "case":
      return ok(api.GET("/api/cases/{id}", params)).then((a) => a.data.description);
  }
}

function useRecordName(type: Named, id: string): string {
  const key = `${type}:${id}`;
  if (!names.has(key)) {
    // One more try after a second: a name is worth it (a function may have been starting).
    const read = readName(type, id).catch(() => new Promise<string>((r) => setTimeout(r, 1000)).then(() => readName(type, id)));
    // A name that could not be read is not remembered: the next screen asks again.
    names.set(
      key,
      read.catch(() => {
        names.delete(key);
        return id;
      }),
    );
  }
  const [name, setName] = useState(id);
  useEffect(() => {
    let live = true;
    names.get(key)!.then((n) => live && setName(n));
    return () => {
      live = false;
    };
  }, [key]);
  return name;
}

/** An `<option>` naming a record, its value the record's id. */
export function RecordOption({ type, id }: { type: Named; id: string }) {
  return <option value={id}>{useRecordName(type, id)}</option>;
}

export function RecordLink({ type, id }: { type: Named; id: string }) {
  return (
    <a class="chip" href={`#/${type}s/${id}`}>
      {useRecordName(type, id)}
    </a>
  );
}
