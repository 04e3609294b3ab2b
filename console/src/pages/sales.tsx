// The sales pipeline: the board (a column per stage, totals from the summary route, cards moved
// by pointer or keyboard through the stage route, won/lost dialogs), forecast and velocity
// charts, opportunity lists and pages.
import { useEffect, useState } from "preact/hooks";
import { api, ok, type Schemas } from "../api/client";
import { navigate } from "../router";
import { useSession } from "../session";
import {
  AsOfBanner,
  AsOfControl,
  Badge,
  dateTime,
  Dialog,
  ErrorNotice,
  FormError,
  Field,
  ifMatch,
  Loading,
  money,
  Paged,
  RecordPending,
  RecordLink,
  refreshAfterWrite,
  Timeline,
  useRecordAsOf,
  useLoad,
  useSubmit,
} from "../ui";
import { RecordTasks } from "./tasks";

type Opportunity = Schemas["OpportunityListItem"];

function usePipelines() {
  return useLoad(async () => (await ok(api.GET("/api/pipelines", { params: { query: { limit: 100 } } }))).data.items, []);
}

/** `onChange` gets a function of the current choice, so the first pipeline becomes the default
 * only while nothing is chosen (never over a choice made meanwhile). */
function PipelinePicker({ value, onChange }: { value: string; onChange: (choose: (current: string) => string) => void }) {
  const pipelines = usePipelines();
  if (pipelines.error) return <ErrorNotice error={pipelines.error} onRetry={pipelines.reload} />;
  const items = pipelines.data ?? [];
  const first = items[0]?.pipelineId;
  useEffect(() => {
    if (first) onChange((current) => current || first);
  }, [first]);
  return (
    <label>
      Pipeline{" "}
      <select
        value={value}
        onChange={(e) => {
          const chosen = e.currentTarget.value;
          onChange(() => chosen);
        }}
      >
        {items.map((p) => (
          <option key={p.pipelineId} value={p.pipelineId}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function monthRange(): { from: string; to: string } {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  const last = new Date(now.getFullYear(), now.getMonth() + 1, 0).getDate();
  const month = `${now.getFullYear()}-${pad(now.getMonth() + 1)}`;
  return { from: `${month}-01`, to: `${month}-${pad(last)}` };
}

export function Board() {
  const [pipelineId, setPipelineId] = useState("");
  const [version, setVersion] = useState(0);
  return (
    <main id="main" tabIndex={-1} class="wide">
      <h1>Pipeline</h1>
      <PipelinePicker value={pipelineId} onChange={setPipelineId} />
      {pipelineId && (
        <BoardColumns pipelineId={pipelineId} version={version} onMoved={() => refreshAfterWrite(() => setVersion((v) => v + 1))} />
      )}
      {pipelineId && <Charts pipelineId={pipelineId} version={version} />}
    </main>
  );
}

type Closing = { opportunity: Opportunity; outcome: "won" | "lost" } | null;

function BoardColumns({ pipelineId, version, onMoved }: { pipelineId: string; version: number; onMoved: () => void }) {
  const summary = useLoad(
    async () => (await ok(api.GET("/api/pipelines/{id}/summary", { params: { path: { id: pipelineId } } }))).data,
    [pipelineId, version],
  );
  // Every open card, page by page (the summary's counts are of all of them).
  const cards = useLoad(async () => {
    const items: Opportunity[] = [];
    let cursor: string | undefined;
    do {
      const page = (
        await ok(api.GET("/api/opportunities", { params: { query: { pipelineId, status: "open", limit: 100, cursor } } }))
      ).data;
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { items };
  }, [pipelineId, version]);
  const [dragged, setDragged] = useState<Opportunity | null>(null);
  const [closing, setClosing] = useState<Closing>(null);
  const [message, setMessage] = useState("");
  // Where this screen's own writes put a card (its read model follows a moment later).
  const [moved, setMoved] = useState<Record<string, string | null>>({});
  // Once the read model shows a move, the screen's own note of it goes: later moves by others show.
  useEffect(() => {
    const items = cards.data?.items;
    if (!items) return;
    setMoved((m) => {
      const left = Object.entries(m).filter(([id, stage]) => {
        const card = items.find((o) => o.opportunityId === id);
        return stage === null ? card !== undefined : card?.stageId !== stage;
      });
      return left.length === Object.keys(m).length ? m : Object.fromEntries(left);
    });
  }, [cards.data]);
  const move = useSubmit(async (key, target?: { opportunity: Opportunity; stageId: string }) => {
    const { opportunity, stageId } = target!;
    const answer = await ok(
      api.POST("/api/opportunities/{id}/stage", {
        params: { path: { id: opportunity.opportunityId } },
        headers: { "Idempotency-Key": key },
        body: { stageId },
      }),
    );
    setMoved((m) => ({ ...m, [opportunity.opportunityId]: stageId }));
    const label = summary.data?.stages.find((s) => s.stageId === stageId)?.label ?? stageId;
    setMessage(`${opportunity.name} moved to ${label}.`);
    return answer;
  }, onMoved);
  if (summary.error) return <ErrorNotice error={summary.error} onRetry={summary.reload} />;
  if (cards.error) return <ErrorNotice error={cards.error} onRetry={cards.reload} />;
  if (!summary.data || !cards.data) return <Loading />;
  const stages = summary.data.stages;
  const openStages = stages.filter((s) => s.outcome === "open");
  const drop = (opportunity: Opportunity, stageId: string) => {
    const stage = stages.find((s) => s.stageId === stageId);
    if (!stage || (moved[opportunity.opportunityId] ?? opportunity.stageId) === stageId) return;
    if (stage.outcome === "open") move.submit(undefined, { opportunity, stageId });
    else setClosing({ opportunity, outcome: stage.outcome });
  };
  return (
    <>
      <p class="sr-only" role="status" aria-live="polite">
        {message}
      </p>
      <FormError form={move} onReload={onMoved} />
      <p class="muted">
        Drag a card to another column, or focus it and press Alt+→ / Alt+← to move it one stage (or use its menu). Totals
        as of <time dateTime={summary.data.asOf}>{dateTime(summary.data.asOf)}</time>.
      </p>
      <div class="board">
        {stages.map((stage) => (
          <section
            key={stage.stageId}
            class={`column column-${stage.outcome}`}
            aria-labelledby={`stage-${stage.stageId}`}
            data-stage={stage.stageId}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              if (dragged) drop(dragged, stage.stageId);
              setDragged(null);
            }}
          >
            <h2 id={`stage-${stage.stageId}`}>
              {stage.label} <span class="muted">{stage.probability}%</span>
            </h2>
            <div class="totals" data-testid="totals">
              <div>
                <span class="count">{stage.count}</span> {stage.count === 1 ? "deal" : "deals"}
              </div>
              {stage.amounts.map((a) => (
                <div key={a.currency} class="amounts">
                  <span data-total>{money(a.total, a.currency)}</span>{" "}
                  <span class="muted">
                    weighted <span data-weighted>{money(a.weighted, a.currency)}</span>
                  </span>
                </div>
              ))}
            </div>
            <ul class="cards">
              {stage.outcome === "open" &&
                cards.data!.items
                  .filter((o) => (o.opportunityId in moved ? moved[o.opportunityId] : o.stageId) === stage.stageId)
                  .map((o) => (
                    <li
                      key={o.opportunityId}
                      class="card"
                      draggable
                      tabIndex={0}
                      aria-label={`${o.name}, ${money(o.amount, o.currency)}, closes ${o.closeDate}`}
                      onDragStart={(e) => {
                        e.dataTransfer?.setData("text/plain", o.opportunityId);
                        setDragged(o);
                      }}
                      onKeyDown={(e) => {
                        if (!e.altKey || (e.key !== "ArrowRight" && e.key !== "ArrowLeft")) return;
                        e.preventDefault();
                        const at = openStages.findIndex((s) => s.stageId === (moved[o.opportunityId] ?? o.stageId));
                        const next = openStages[at + (e.key === "ArrowRight" ? 1 : -1)];
                        if (next) drop(o, next.stageId);
                      }}
                    >
                      <a href={`#/opportunities/${o.opportunityId}`}>{o.name}</a>
                      <div>{money(o.amount, o.currency)}</div>
                      <div class="muted">closes {o.closeDate}</div>
                      <label>
                        Move to{" "}
                        <select
                          value={moved[o.opportunityId] ?? o.stageId}
                          onChange={(e) => drop(o, e.currentTarget.value)}
                          aria-label={`Move ${o.name} to`}
                        >
                          {stages.map((s) => (
                            <option key={s.stageId} value={s.stageId}>
                              {s.label}
                            </option>
                          ))}
                        </select>
                      </label>
                    </li>
                  ))}
            </ul>
          </section>
        ))}
      </div>
      <CloseDialog
        key={closing?.opportunity.opportunityId ?? "none"}
        closing={closing}
        onClose={() => setClosing(null)}
        onDone={(opportunity) => {
          setMoved((m) => ({ ...m, [opportunity.opportunityId]: null }));
          onMoved();
        }}
      />
    </>
  );
}

function CloseDialog({ closing, onClose, onDone }: { closing: Closing; onClose: () => void; onDone: (opportunity: Opportunity) => void }) {
  const [reason, setReason] = useState("");
  const form = useSubmit(
    async (key) => {
      const { opportunity, outcome } = closing!;
      const params = { path: { id: opportunity.opportunityId } };
      const headers = { "Idempotency-Key": key };
      return outcome === "won"
        ? ok(api.POST("/api/opportunities/{id}/won", { params, headers, body: {} }))
        : ok(api.POST("/api/opportunities/{id}/lost", { params, headers, body: { reason } }));
    },
    () => {
      const opportunity = closing!.opportunity;
      setReason("");
      onClose();
      onDone(opportunity);
    },
  );
  const won = closing?.outcome === "won";
  return (
    <Dialog title={won ? "Mark as won" : "Mark as lost"} open={closing !== null} onClose={onClose}>
      <form class="stack" onSubmit={form.submit}>
        <p>
          {closing?.opportunity.name}: {closing && money(closing.opportunity.amount, closing.opportunity.currency)}
        </p>
        <FormError form={form} />
        {!won && (
          <Field label="Why was it lost?" name="reason" errors={form.fields}>
            {(p) => <textarea {...p} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
          </Field>
        )}
        <div class="actions">
          <button type="submit" disabled={form.busy}>
            {won ? "Mark won" : "Mark lost"}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Horizontal bars: one per row, lengths relative to the largest value (display only: the
 * figures shown are the API's exact decimals). */
function BarChart({ title, rows, unit }: { title: string; rows: { label: string; value: string | null }[]; unit: string }) {
  const numbers = rows.map((r) => (r.value == null ? 0 : Number(r.value)));
  const max = Math.max(1, ...numbers);
  const height = rows.length * 28 + 8;
  // Label, bar (at most 160 wide), then the exact figure: it fits in the 400-unit width.
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg role="img" aria-label={title} viewBox={`0 0 400 ${height}`} width="100%" preserveAspectRatio="xMinYMin meet">
        {rows.map((row, i) => (
          <g key={row.label} transform={`translate(0 ${i * 28 + 4})`}>
            <text x="0" y="16" class="chart-label">
              {row.label}
            </text>
            <rect x="110" y="4" height="16" width={(numbers[i] / max) * 160} class="chart-bar" />
            <text x={116 + (numbers[i] / max) * 160} y="16" class="chart-value">
              {row.value ?? "—"} {row.value != null ? unit : ""}
            </text>
          </g>
        ))}
      </svg>
      <table class="sr-only">
        <caption>{title}</caption>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              <td>
                {row.value ?? "—"} {unit}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function Charts({ pipelineId, version }: { pipelineId: string; version: number }) {
  const range = monthRange();
  const forecast = useLoad(
    async () =>
      (await ok(api.GET("/api/pipelines/{id}/forecast", { params: { path: { id: pipelineId }, query: range } }))).data,
    [pipelineId, version],
  );
  const velocity = useLoad(
    async () => (await ok(api.GET("/api/pipelines/{id}/velocity", { params: { path: { id: pipelineId } } }))).data,
    [pipelineId, version],
  );
  return (
    <section class="charts" aria-labelledby="figures">
      <h2 id="figures">Forecast and velocity</h2>
      {forecast.error && <ErrorNotice error={forecast.error} onRetry={forecast.reload} />}
      {forecast.data?.currencies.map((c) => (
        <BarChart
          key={c.currency}
          title={`Closing ${forecast.data!.from} to ${forecast.data!.to}, ${c.currency}`}
          unit={c.currency}
          rows={[
            { label: "Open", value: c.open },
            { label: "Weighted", value: c.weighted },
            { label: "Won", value: c.won },
            { label: "Lost", value: c.lost },
          ]}
        />
      ))}
      {forecast.data && !forecast.data.currencies.length && <p class="muted">Nothing closes this month.</p>}
      {velocity.error && <ErrorNotice error={velocity.error} onRetry={velocity.reload} />}
      {velocity.data && (
        <BarChart
          title="Average days in each stage"
          unit="days"
          rows={velocity.data.stages.map((s) => ({ label: s.label, value: s.averageDaysInStage }))}
        />
      )}
    </section>
  );
}

export function OpportunitiesList() {
  const session = useSession();
  const [by, setBy] = useState<"ownerId" | "clientId" | "pipelineId">("ownerId");
  const [value, setValue] = useState(session.userId);
  const [status, setStatus] = useState<"open" | "won" | "lost" | "all">("open");
  return (
    <main id="main" tabIndex={-1}>
      <h1>Opportunities</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          By{" "}
          <select value={by} onChange={(e) => setBy(e.currentTarget.value as typeof by)}>
            <option value="ownerId">owner</option>
            <option value="clientId">client</option>
            <option value="pipelineId">pipeline</option>
          </select>
        </label>
        <label>
          Id <input value={value} onChange={(e) => setValue(e.currentTarget.value.trim())} />
        </label>
        <label>
          Status{" "}
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value as typeof status)}>
            {["open", "won", "lost", "all"].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </form>
      {value ? (
        <Paged
          label="Opportunities"
          deps={[by, value, status]}
          empty="No opportunities."
          load={async (cursor) => (await ok(api.GET("/api/opportunities", { params: { query: { [by]: value, status, cursor } } }))).data}
          render={(items) => <OpportunityTable items={items} caption="Opportunities by close date" />}
        />
      ) : (
        <p class="muted">Give an id to list by.</p>
      )}
    </main>
  );
}

export function OpportunityTable({ items, caption }: { items: Opportunity[]; caption: string }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Amount</th>
          <th scope="col">Closes</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {items.map((o) => (
          <tr key={o.opportunityId}>
            <td>
              <a href={`#/opportunities/${o.opportunityId}`}>{o.name}</a>
            </td>
            <td class="number">{money(o.amount, o.currency)}</td>
            <td>{o.closeDate}</td>
            <td>{o.status}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function NewOpportunity({ clientId: given }: { clientId: string }) {
  const session = useSession();
  const [ownerId, setOwnerId] = useState(session.userId);
  const [clientId, setClientId] = useState(given);
  const [pipelineId, setPipelineId] = useState("");
  const [name, setName] = useState("");
  const [amount, setAmount] = useState("");
  const [currency, setCurrency] = useState("EUR");
  const [closeDate, setCloseDate] = useState(monthRange().to);
  const form = useSubmit(
    (key) =>
      ok(
        api.POST("/api/opportunities", {
          headers: { "Idempotency-Key": key },
          body: { clientId, pipelineId, name, amount, currency, closeDate, ...(ownerId ? { ownerId } : {}) },
        }),
      ),
    (created) => navigate(`/opportunities/${created.data.opportunityId}`),
  );
  return (
    <main id="main" tabIndex={-1}>
      <h1>New opportunity</h1>
      <form class="panel stack" onSubmit={form.submit} aria-label="New opportunity">
        <FormError form={form} />
        <PipelinePicker value={pipelineId} onChange={setPipelineId} />
        <Field label="Client id" name="clientId" errors={form.fields}>
          {(p) => <input {...p} value={clientId} onInput={(e) => setClientId(e.currentTarget.value)} />}
        </Field>
        <Field label="Name" name="name" errors={form.fields}>
          {(p) => <input {...p} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <div class="row">
          <Field label="Amount" name="amount" errors={form.fields} hint="A decimal, e.g. 1200.50">
            {(p) => <input {...p} inputMode="decimal" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />}
          </Field>
          <Field label="Currency" name="currency" errors={form.fields}>
            {(p) => <input {...p} maxLength={3} value={currency} onInput={(e) => setCurrency(e.currentTarget.value.toUpperCase())} />}
          </Field>
          <Field label="Close date" name="closeDate" errors={form.fields}>
            {(p) => <input {...p} type="date" value={closeDate} onInput={(e) => setCloseDate(e.currentTarget.value)} />}
          </Field>
          <Field label="Owner" name="ownerId" errors={form.fields}>
            {(p) => <input {...p} value={ownerId} onInput={(e) => setOwnerId(e.currentTarget.value)} />}
          </Field>
        </div>
        <button type="submit" disabled={form.busy}>
          Create opportunity
        </button>
      </form>
    </main>
  );
}

export function OpportunityPage({ id }: { id: string }) {
  const { asOf, setAsOf, record: opportunity } = useRecordAsOf((query) => ok(api.GET("/api/opportunities/{id}", { params: { path: { id }, query } })), id);
  const reopen = useSubmit(
    (key) =>
      ok(
        api.POST("/api/opportunities/{id}/reopen", {
          params: { path: { id } },
          headers: { "Idempotency-Key": key, ...ifMatch(opportunity.data?.etag) },
          body: {},
        }),
      ),
    opportunity.reload,
  );
  if (!opportunity.data) return <RecordPending name="Opportunity" record={opportunity} asOf={asOf} onNow={() => setAsOf(null)} />;
  const o = opportunity.data.data;
  return (
    <main id="main" tabIndex={-1}>
      <h1>{o.name}</h1>
      <AsOfBanner asOf={asOf} />
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <Badge tone={o.status === "won" ? "good" : o.status === "lost" ? "danger" : undefined}>{o.status}</Badge>
          {o.lostReason ? ` (${o.lostReason})` : ""}
        </dd>
        <dt>Amount</dt>
        <dd>{money(o.amount, o.currency)}</dd>
        <dt>Stage probability</dt>
        <dd>{o.probability == null ? "—" : `${o.probability}%`}</dd>
        <dt>Close date</dt>
        <dd>{o.closeDate}</dd>
        <dt>Client</dt>
        <dd>
          <RecordLink type="client" id={o.clientId} />
        </dd>
        <dt>Owner</dt>
        <dd>{o.ownerId}</dd>
        <dt>Next step</dt>
        <dd>{o.nextStep ?? "—"}</dd>
        <dt>Closed</dt>
        <dd>{dateTime(o.closedAt)}</dd>
        <dt>Version</dt>
        <dd>{o.version}</dd>
      </dl>
      <AsOfControl asOf={asOf} onChange={setAsOf} />
      {!asOf && o.status !== "open" && (
        <div class="actions">
          <FormError form={reopen} onReload={opportunity.reload} />
          <button type="button" onClick={() => reopen.submit()} disabled={reopen.busy}>
            Reopen
          </button>
        </div>
      )}
      {!asOf && <RecordTasks type="opportunity" id={id} />}
      <h2>Timeline</h2>
      <Timeline
        deps={[id, opportunity.data.etag]}
        load={async (cursor) =>
          (await ok(api.GET("/api/opportunities/{id}/history", { params: { path: { id }, query: { cursor, order: "desc" } } })))
            .data
        }
      />
    </main>
  );
}
