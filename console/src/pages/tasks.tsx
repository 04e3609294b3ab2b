// Tasks: what each person has to do next. Lists by assignee, overdue, and per record; a task's
// page; a task created from any record.
import { useState } from "preact/hooks";
import { api, ok, type Schemas } from "../api/client";
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
  refreshAfterWrite,
  Timeline,
  useRecordAsOf,
  timeLeft,
  useSubmit,
} from "../ui";

type TaskItem = Schemas["TaskListItem"];
export type TargetType = Schemas["TaskTarget"]["type"];

export function TaskTable({ tasks, caption }: { tasks: TaskItem[]; caption: string }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Task</th>
          <th scope="col">Due</th>
          <th scope="col">Priority</th>
          <th scope="col">Status</th>
          <th scope="col">Assignee</th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((task) => (
          <tr key={task.taskId} class={task.overdue ? "overdue" : ""}>
            <td>
              <a href={`#/tasks/${task.taskId}`}>{task.title}</a> <span class="muted">({task.type})</span>
            </td>
            <td>
              <time dateTime={task.dueAt}>{dateTime(task.dueAt)}</time>{" "}
              {task.overdue ? <Badge tone="danger">overdue</Badge> : task.status === "open" ? <span class="muted">{timeLeft(task.dueAt)}</span> : null}
            </td>
            <td>{task.priority}</td>
            <td>{task.status}</td>
            <td>{task.assigneeId}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const STATUSES = ["open", "completed", "cancelled", "all"] as const;
type Status = (typeof STATUSES)[number];

export function TasksList() {
  const [assignee, setAssignee] = useState("me");
  const [status, setStatus] = useState<Status>("open");
  const [dueBefore, setDueBefore] = useState("");
  const [view, setView] = useState<"assignee" | "overdue">("assignee");
  const session = useSession();
  const assigneeId = assignee === "me" || (!assignee && view === "assignee") ? session.userId : assignee;
  return (
    <main id="main" tabIndex={-1}>
      <h1>Tasks</h1>
      <div class="tabs" role="group" aria-label="Which tasks">
        <button type="button" aria-pressed={view === "assignee"} onClick={() => setView("assignee")}>
          By assignee
        </button>
        <button type="button" aria-pressed={view === "overdue"} onClick={() => setView("overdue")}>
          Overdue
        </button>
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {view === "overdue" ? 'Assignee (user id, "me", or empty: everyone)' : 'Assignee (user id, or "me")'}
          <input value={assignee} onChange={(e) => setAssignee(e.currentTarget.value.trim())} />
        </label>
        {view === "assignee" && (
          <>
            <label>
              Status
              <select value={status} onChange={(e) => setStatus(e.currentTarget.value as Status)}>
                {STATUSES.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </label>
            <label>
              Due before
              <input type="datetime-local" value={dueBefore} onChange={(e) => setDueBefore(e.currentTarget.value)} />
            </label>
          </>
        )}
      </form>
      {view === "assignee" ? (
        <Paged
          label="Tasks"
          deps={[assigneeId, status, dueBefore]}
          empty="No tasks here."
          load={async (cursor) =>
            (
              await ok(
                api.GET("/api/tasks", {
                  params: {
                    query: {
                      assigneeId,
                      status,
                      cursor,
                      ...(dueBefore ? { dueBefore: new Date(dueBefore).toISOString() } : {}),
                    },
                  },
                }),
              )
            ).data
          }
          render={(items) => <TaskTable tasks={items} caption={`Tasks of ${assignee}, ${status}`} />}
        />
      ) : (
        <Paged
          label="Overdue tasks"
          deps={[assigneeId]}
          empty="Nothing overdue."
          load={async (cursor) =>
            (await ok(api.GET("/api/tasks/overdue", { params: { query: assigneeId ? { assigneeId, cursor } : { cursor } } }))).data
          }
          render={(items) => <TaskTable tasks={items} caption="Overdue tasks" />}
        />
      )}
    </main>
  );
}

const RECORD_TASKS = {
  contact: "/api/contacts/{id}/tasks",
  client: "/api/clients/{id}/tasks",
  case: "/api/cases/{id}/tasks",
  opportunity: "/api/opportunities/{id}/tasks",
} as const;

/** The tasks that target a record, and a form to add one. */
export function RecordTasks({ type, id }: { type: TargetType; id: string }) {
  const [status, setStatus] = useState<Status>("open");
  const [version, setVersion] = useState(0);
  const [added, setAdded] = useState<{ taskId: string; title: string }[]>([]);
  return (
    <section class="panel" aria-labelledby={`tasks-${id}`}>
      <h2 id={`tasks-${id}`}>Tasks</h2>
      <label>
        Show{" "}
        <select value={status} onChange={(e) => setStatus(e.currentTarget.value as Status)}>
          {STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <Paged
        label={`Tasks of this ${type}`}
        deps={[type, id, status, version]}
        empty="No tasks."
        load={async (cursor) =>
          (await ok(api.GET(RECORD_TASKS[type], { params: { path: { id }, query: { status, cursor } } }))).data
        }
        render={(items) => <TaskTable tasks={items} caption={`Tasks of this ${type}`} />}
      />
      {added.length > 0 && (
        <p role="status">
          Just added:{" "}
          {added.map((task) => (
            <a key={task.taskId} class="chip" href={`#/tasks/${task.taskId}`}>
              {task.title}
            </a>
          ))}
        </p>
      )}
      <NewTask
        targets={[{ type, id }]}
        onCreated={(task) => {
          setAdded([...added, { taskId: task.taskId, title: task.title }]);
          refreshAfterWrite(() => setVersion((v) => v + 1));
        }}
      />
    </section>
  );
}

function tomorrowAtNine(): string {
  const date = new Date(Date.now() + 86400000);
  date.setHours(9, 0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T09:00`;
}

export function NewTask({ targets, onCreated }: { targets: Schemas["TaskTarget"][]; onCreated: (task: Schemas["Task"]) => void }) {
  const session = useSession();
  const [title, setTitle] = useState("");
  const [type, setType] = useState<Schemas["TaskKind"]>("todo");
  const [priority, setPriority] = useState<Schemas["TaskPriority"]>("normal");
  const [dueAt, setDueAt] = useState(tomorrowAtNine());
  const [assigneeId, setAssigneeId] = useState(session.userId);
  const form = useSubmit(
    (key) =>
      ok(
        api.POST("/api/tasks", {
          headers: { "Idempotency-Key": key },
          body: { title, type, priority, dueAt: dueAt ? new Date(dueAt).toISOString() : "", assigneeId, targets },
        }),
      ),
    (created) => {
      setTitle("");
      onCreated(created.data);
    },
  );
  return (
    <form class="stack" onSubmit={form.submit} aria-label="New task">
      <h3>New task</h3>
      <FormError form={form} />
      <Field label="Title" name="title" errors={form.fields}>
        {(p) => <input {...p} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
      </Field>
      <div class="row">
        <Choice label="Type" name="type" value={type} options={["todo", "call", "email", "meeting"]} onChange={setType} errors={form.fields} />
        <Choice label="Priority" name="priority" value={priority} options={["low", "normal", "high", "urgent"]} onChange={setPriority} errors={form.fields} />
        <Field label="Due" name="dueAt" errors={form.fields}>
          {(p) => <input {...p} type="datetime-local" value={dueAt} onInput={(e) => setDueAt(e.currentTarget.value)} />}
        </Field>
        <Field label="Assignee" name="assigneeId" errors={form.fields}>
          {(p) => <input {...p} value={assigneeId} onInput={(e) => setAssigneeId(e.currentTarget.value)} />}
        </Field>
      </div>
      <button type="submit" disabled={form.busy}>
        {form.busy ? "Adding…" : "Add task"}
      </button>
    </form>
  );
}

export function TaskPage({ id }: { id: string }) {
  const { asOf, setAsOf, record: task } = useRecordAsOf((query) => ok(api.GET("/api/tasks/{id}", { params: { path: { id }, query } })), id);
  const [reason, setReason] = useState("");
  const act = useSubmit(async (key) => {
    const headers = { "Idempotency-Key": key, ...ifMatch(task.data?.etag) };
    const t = task.data!.data;
    if (t.status === "open") {
      return ok(api.POST("/api/tasks/{id}/complete", { params: { path: { id } }, headers, body: {} }));
    }
    return ok(api.POST("/api/tasks/{id}/reopen", { params: { path: { id } }, headers }));
  }, task.reload);
  const cancel = useSubmit(
    (key) =>
      ok(
        api.POST("/api/tasks/{id}/cancel", {
          params: { path: { id } },
          headers: { "Idempotency-Key": key, ...ifMatch(task.data?.etag) },
          body: reason ? { reason } : {},
        }),
      ),
    task.reload,
  );
  if (!task.data) return <RecordPending name="Task" record={task} asOf={asOf} onNow={() => setAsOf(null)} />;
  const t = task.data.data;
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t.title}</h1>
      <AsOfBanner asOf={asOf} />
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          {t.status} {t.overdue && <Badge tone="danger">overdue</Badge>}
        </dd>
        <dt>Due</dt>
        <dd>{dateTime(t.dueAt)}</dd>
        <dt>Type</dt>
        <dd>{t.type}</dd>
        <dt>Priority</dt>
        <dd>{t.priority}</dd>
        <dt>Assignee</dt>
        <dd>{t.assigneeId}</dd>
        <dt>Created by</dt>
        <dd>{t.createdBy ?? "—"}</dd>
        <dt>Completed</dt>
        <dd>{dateTime(t.completedAt)}</dd>
        <dt>Cancel reason</dt>
        <dd>{t.cancelReason ?? "—"}</dd>
        <dt>Notes</dt>
        <dd>{t.notes ?? "—"}</dd>
        <dt>For</dt>
        <dd>
          {t.targets.map((target) => (
            <a key={target.id} class="chip" href={`#/${target.type === "opportunity" ? "opportunities" : `${target.type}s`}/${target.id}`}>
              {target.type} {target.id}
            </a>
          ))}
        </dd>
      </dl>
      {!asOf && (
        <div class="actions">
          <FormError form={act} onReload={task.reload} />
          <FormError form={cancel} onReload={task.reload} />
          <button type="button" onClick={() => act.submit()} disabled={act.busy}>
            {t.status === "open" ? "Complete" : "Reopen"}
          </button>
          {t.status === "open" && (
            <form class="inline" onSubmit={cancel.submit}>
              <label>
                Reason <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
              </label>
              <button type="submit" disabled={cancel.busy}>
                Cancel task
              </button>
            </form>
          )}
        </div>
      )}
      <AsOfControl asOf={asOf} onChange={setAsOf} />
      <h2>Timeline</h2>
      <Timeline
        deps={[id, task.data.etag]}
        load={async (cursor) =>
          (await ok(api.GET("/api/tasks/{id}/history", { params: { path: { id }, query: { cursor, order: "desc" } } }))).data
        }
      />
    </main>
  );
}
