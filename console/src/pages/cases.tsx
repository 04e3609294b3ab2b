// Support cases: the open and due queues, a new case, and the case page with its status
// workflow, SLA clocks, interaction composer, tasks, timeline and as-of view.
import { useState } from "preact/hooks";
import { api, ok, type Schemas } from "../api/client";
import { navigate } from "../router";
import { useSession } from "../session";
import {
  AsOfBanner,
  AsOfControl,
  Badge,
  dateTime,
  FormError,
  Choice,
  Field,
  ifMatch,
  Paged,
  RecordPending,
  RecordLink,
  RecordOption,
  Timeline,
  useRecordAsOf,
  timeLeft,
  useLoad,
  useSubmit,
} from "../ui";
import { RecordTasks } from "./tasks";

export function DueCaseTable({ items, caption }: { items: Schemas["DueCase"][]; caption: string }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Case</th>
          <th scope="col">Clock</th>
          <th scope="col">Due</th>
          <th scope="col">Priority</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {items.map((c) => (
          <tr key={`${c.caseId}-${c.metric}`} class={c.breached ? "overdue" : ""}>
            <td>
              <RecordLink type="case" id={c.caseId} />
            </td>
            <td>{c.metric === "firstResponse" ? "First response" : "Resolution"}</td>
            <td>
              <time dateTime={c.dueAt}>{dateTime(c.dueAt)}</time>{" "}
              {c.breached ? <Badge tone="danger">breached</Badge> : <span class="muted">{timeLeft(c.dueAt)}</span>}
            </td>
            <td>{c.priority}</td>
            <td>{c.status}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CasesList() {
  const [view, setView] = useState<"open" | "due">("open");
  const [clientId, setClientId] = useState("");
  const [assigneeId, setAssigneeId] = useState("");
  const [before, setBefore] = useState("");
  return (
    <main id="main" tabIndex={-1}>
      <h1>Cases</h1>
      <div class="tabs" role="group" aria-label="Which queue">
        <button type="button" aria-pressed={view === "open"} onClick={() => setView("open")}>
          Open queue
        </button>
        <button type="button" aria-pressed={view === "due"} onClick={() => setView("due")}>
          Due queue
        </button>
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        {view === "open" && (
          <label>
            Client id{" "}
            <input value={clientId} disabled={view === "open" && !!assigneeId} onChange={(e) => setClientId(e.currentTarget.value.trim())} />
          </label>
        )}
        <label>
          Assignee id{view === "open" ? " (or a client, not both)" : ""}{" "}
          <input value={assigneeId} disabled={view === "open" && !!clientId} onChange={(e) => setAssigneeId(e.currentTarget.value.trim())} />
        </label>
        {view === "due" && (
          <label>
            Due before (empty: now, the breached){" "}
            <input type="datetime-local" value={before} onChange={(e) => setBefore(e.currentTarget.value)} />
          </label>
        )}
      </form>
      {view === "open" ? (
        <Paged
          label="Open cases"
          deps={[clientId, assigneeId]}
          empty="No open cases."
          load={async (cursor) =>
            (
              await ok(
                api.GET("/api/cases/open", {
                  params: { query: { cursor, ...(clientId ? { clientId } : {}), ...(assigneeId ? { assigneeId } : {}) } },
                }),
              )
            ).data
          }
          render={(items) => (
            <table>
              <caption>Open cases</caption>
              <thead>
                <tr>
                  <th scope="col">Case</th>
                  <th scope="col">Client</th>
                  <th scope="col">Opened</th>
                  <th scope="col">Priority</th>
                  <th scope="col">Status</th>
                  <th scope="col">Assignee</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.caseId}>
                    <td>
                      <a href={`#/cases/${c.caseId}`}>{c.description}</a>
                    </td>
                    <td>
                      <a href={`#/clients/${c.clientId}`}>{c.clientId}</a>
                    </td>
                    <td>{dateTime(c.openedAt)}</td>
                    <td>{c.priority}</td>
                    <td>{c.status}</td>
                    <td>{c.assigneeId ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        />
      ) : (
        <Paged
          label="Due cases"
          deps={[assigneeId, before]}
          empty="Nothing due."
          load={async (cursor) =>
            (
              await ok(
                api.GET("/api/cases/due", {
                  params: {
                    query: {
                      cursor,
                      ...(assigneeId ? { assigneeId } : {}),
                      ...(before ? { before: new Date(before).toISOString() } : {}),
                    },
                  },
                }),
              )
            ).data
          }
          render={(items) => <DueCaseTable items={items} caption="Cases by SLA due time" />}
        />
      )}
    </main>
  );
}

const PRIORITIES = ["low", "normal", "high", "urgent"] as const;

export function NewCase({ clientId: given }: { clientId: string }) {
  const session = useSession();
  const [clientId, setClientId] = useState(given);
  const [description, setDescription] = useState("");
  const [priority, setPriority] = useState<Schemas["Priority"]>("normal");
  const [origin, setOrigin] = useState<Schemas["Origin"]>("phone");
  const [assigneeId, setAssigneeId] = useState(session.userId);
  const form = useSubmit(
    (key) =>
      ok(
        api.POST("/api/cases", {
          headers: { "Idempotency-Key": key },
          body: { clientId, description, priority, origin, ...(assigneeId ? { assigneeId } : {}) },
        }),
      ),
    (created) => navigate(`/cases/${created.data.caseId}`),
  );
  return (
    <main id="main" tabIndex={-1}>
      <h1>Open a case</h1>
      <form class="panel stack" onSubmit={form.submit} aria-label="New case">
        <FormError form={form} />
        <Field label="Client id" name="clientId" errors={form.fields}>
          {(p) => <input {...p} value={clientId} onInput={(e) => setClientId(e.currentTarget.value)} />}
        </Field>
        <Field label="Description" name="description" errors={form.fields}>
          {(p) => <textarea {...p} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />}
        </Field>
        <div class="row">
          <Choice label="Priority" name="priority" value={priority} options={PRIORITIES} onChange={setPriority} errors={form.fields} />
          <Choice label="Origin" name="origin" value={origin} options={["phone", "email", "web", "chat", "other"]} onChange={setOrigin} errors={form.fields} />
          <Field label="Assignee" name="assigneeId" errors={form.fields}>
            {(p) => <input {...p} value={assigneeId} onInput={(e) => setAssigneeId(e.currentTarget.value)} />}
          </Field>
        </div>
        <button type="submit" disabled={form.busy}>
          Open case
        </button>
      </form>
    </main>
  );
}

function Clock({ name, clock }: { name: string; clock: { dueAt: string | null; fulfilledAt: string | null; breached: boolean; paused?: boolean; targetMinutes: number } }) {
  let state;
  if (clock.fulfilledAt) {
    state = (
      <>
        {clock.breached ? "answered late, at" : "met at"} {dateTime(clock.fulfilledAt)}{" "}
        {clock.breached && <Badge tone="danger">breached</Badge>}
      </>
    );
  } else if (clock.paused) {
    state = <Badge>paused</Badge>;
  } else if (clock.breached) {
    state = (
      <>
        <Badge tone="danger">breached</Badge> due {clock.dueAt && timeLeft(clock.dueAt)}
      </>
    );
  } else if (clock.dueAt) {
    state = (
      <>
        due <time dateTime={clock.dueAt}>{dateTime(clock.dueAt)}</time> <strong>({timeLeft(clock.dueAt)})</strong>
      </>
    );
  } else {
    state = "—";
  }
  return (
    <div class="clock">
      <strong>{name}</strong> <span class="muted">target {clock.targetMinutes} min</span> <div>{state}</div>
    </div>
  );
}

const NEXT_STATUSES: Record<Schemas["CaseStatus"], Schemas["CaseStatusChange"]["status"][]> = {
  open: ["pending", "on_hold", "solved"],
  pending: ["open", "on_hold", "solved"],
  on_hold: ["open", "pending", "solved"],
  solved: ["open"],
  closed: [],
};

export function CasePage({ id }: { id: string }) {
  const { asOf, setAsOf, record: kase } = useRecordAsOf((query) => ok(api.GET("/api/cases/{id}", { params: { path: { id }, query } })), id);
  const [resolution, setResolution] = useState("");
  const status = useSubmit(
    (key: string, next?: Schemas["CaseStatusChange"]["status"]) =>
      ok(
        api.POST("/api/cases/{id}/status", {
          params: { path: { id } },
          headers: { "Idempotency-Key": key, ...ifMatch(kase.data?.etag) },
          body: { status: next!, ...(next === "solved" && resolution ? { resolution } : {}) },
        }),
      ),
    kase.reload,
  );
  const close = useSubmit(
    (key) =>
      ok(
        api.POST("/api/cases/{id}/close", {
          params: { path: { id } },
          headers: { "Idempotency-Key": key, ...ifMatch(kase.data?.etag) },
          body: resolution ? { resolution } : {},
        }),
      ),
    kase.reload,
  );
  if (!kase.data) return <RecordPending name="Case" record={kase} asOf={asOf} onNow={() => setAsOf(null)} />;
  const c = kase.data.data;
  return (
    <main id="main" tabIndex={-1}>
      <h1>Case: {c.description}</h1>
      <AsOfBanner asOf={asOf} />
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <Badge>{c.status}</Badge>
        </dd>
        <dt>Client</dt>
        <dd>
          <RecordLink type="client" id={c.clientId} />
        </dd>
        <dt>Priority</dt>
        <dd>{c.priority}</dd>
        <dt>Assignee</dt>
        <dd>{c.assigneeId ?? "—"}</dd>
        <dt>Opened</dt>
        <dd>{dateTime(c.openedAt)}</dd>
        <dt>Resolution</dt>
        <dd>{c.resolution ?? "—"}</dd>
        <dt>Version</dt>
        <dd>{c.version}</dd>
      </dl>
      <section class="panel" aria-label="SLA clocks">
        <h2>SLA</h2>
        <Clock name="First response" clock={c.sla.firstResponse} />
        <Clock name="Resolution" clock={c.sla.resolution} />
      </section>
      <AsOfControl asOf={asOf} onChange={setAsOf} />
      {!asOf && c.status !== "closed" && (
        <section class="panel" aria-labelledby="workflow">
          <h2 id="workflow">Workflow</h2>
          <FormError form={status} onReload={kase.reload} />
          <FormError form={close} onReload={kase.reload} />
          <label>
            Resolution (for solve and close){" "}
            <input value={resolution} onInput={(e) => setResolution(e.currentTarget.value)} />
          </label>
          <div class="actions">
            {NEXT_STATUSES[c.status].map((next) => (
              <button key={next} type="button" disabled={status.busy} onClick={() => status.submit(undefined, next)}>
                {next === "open" ? (c.status === "solved" ? "Reopen" : "Back to open") : `Mark ${next.replace("_", " ")}`}
              </button>
            ))}
            <button type="button" disabled={close.busy} onClick={() => close.submit()}>
              Close case
            </button>
          </div>
        </section>
      )}
      {!asOf && c.status !== "closed" && (
        <InteractionComposer caseId={id} clientId={c.clientId} etag={kase.data.etag} onAdded={kase.reload} />
      )}
      <section aria-labelledby="interactions">
        <h2 id="interactions">Interactions ({c.interactionCount})</h2>
        <ol class="timeline">
          {c.interactions.map((i) => (
            <li key={i.interactionId}>
              <strong>
                {i.type}, {i.direction}
              </strong>{" "}
              <span class="muted">{dateTime(i.interactionDate)}</span>
              {i.contactId && (
                <>
                  {" "}
                  with <RecordLink type="contact" id={i.contactId} />
                </>
              )}
              <p>{i.description}</p>
            </li>
          ))}
        </ol>
      </section>
      {!asOf && <RecordTasks type="case" id={id} />}
      <h2>Timeline</h2>
      <Timeline
        deps={[id, kase.data.etag]}
        load={async (cursor) =>
          (await ok(api.GET("/api/cases/{id}/history", { params: { path: { id }, query: { cursor, order: "desc" } } }))).data
        }
      />
    </main>
  );
}

function InteractionComposer({ caseId, clientId, etag, onAdded }: { caseId: string; clientId: string; etag: string | null; onAdded: () => void }) {
  const [description, setDescription] = useState("");
  const [type, setType] = useState<Schemas["InteractionType"]>("call");
  const [direction, setDirection] = useState<Schemas["Direction"]>("inbound");
  const [contactId, setContactId] = useState("");
  const client = useLoad(() => ok(api.GET("/api/clients/{id}", { params: { path: { id: clientId } } })), [clientId]);
  const form = useSubmit(
    (key) =>
      ok(
        api.POST("/api/cases/{id}/interactions", {
          params: { path: { id: caseId } },
          headers: { "Idempotency-Key": key, ...ifMatch(etag) },
          body: { description, type, direction, ...(contactId ? { contactId } : {}) },
        }),
      ),
    () => {
      setDescription("");
      onAdded();
    },
  );
  return (
    <form class="panel stack" onSubmit={form.submit} aria-label="Add an interaction">
      <h2>Add an interaction</h2>
      <FormError form={form} onReload={onAdded} />
      <Field label="What happened" name="description" errors={form.fields}>
        {(p) => <textarea {...p} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />}
      </Field>
      <div class="row">
        <Choice label="Type" name="type" value={type} options={["note", "call", "email", "meeting"]} onChange={setType} errors={form.fields} />
        <Choice label="Direction" name="direction" value={direction} options={["inbound", "outbound", "internal"]} onChange={setDirection} errors={form.fields} />
        <Field label="With contact" name="contactId" errors={form.fields}>
          {(p) => (
            <select {...p} value={contactId} onChange={(e) => setContactId(e.currentTarget.value)}>
              <option value="">nobody in particular</option>
              {(client.data?.data.contacts ?? []).map((id) => (
                <RecordOption key={id} type="contact" id={id} />
              ))}
            </select>
          )}
        </Field>
      </div>
      <button type="submit" disabled={form.busy}>
        Add interaction
      </button>
    </form>
  );
}
