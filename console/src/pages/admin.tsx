// Admin: the SLA policy editor (targets per priority, business hours in an IANA zone) and the
// SLA report. Erasing a person is on the person's page, behind a typed confirmation.
import { useState } from "preact/hooks";
import { api, ok, type Schemas } from "../api/client";
import { ErrorNotice, FormError, Field, ifMatch, Loading, Timeline, useLoad, useSubmit } from "../ui";

const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

const DEFAULT_POLICY: Schemas["SlaPolicy"] = {
  targets: {
    urgent: { firstResponseMinutes: 60, resolutionMinutes: 240 },
    high: { firstResponseMinutes: 240, resolutionMinutes: 1440 },
    normal: { firstResponseMinutes: 480, resolutionMinutes: 2880 },
    low: { firstResponseMinutes: 1440, resolutionMinutes: 7200 },
  },
  businessHours: null,
};

export function Admin() {
  const policy = useLoad(async () => {
    try {
      const answer = await ok(api.GET("/api/sla-policy"));
      return { policy: answer.data as unknown as Schemas["SlaPolicy"], etag: answer.etag };
    } catch (error) {
      // No policy was ever set: start from an example.
      if ((error as { kind?: string }).kind === "notFound") return { policy: DEFAULT_POLICY, etag: null };
      throw error;
    }
  }, []);
  return (
    <main id="main" tabIndex={-1}>
      <h1>Admin</h1>
      <h2>SLA policy</h2>
      {policy.error && <ErrorNotice error={policy.error} onRetry={policy.reload} />}
      {policy.loading && !policy.data && <Loading />}
      {policy.data && <PolicyEditor key={policy.data.etag ?? "new"} initial={policy.data.policy} etag={policy.data.etag} onSaved={policy.reload} />}
      <SlaReport />
      <h2>Policy timeline</h2>
      <Timeline
        deps={[policy.data?.etag]}
        load={async (cursor) => {
          try {
            return (await ok(api.GET("/api/sla-policy/history", { params: { query: { cursor, order: "desc" } } }))).data;
          } catch (error) {
            // No policy was ever set: an empty history.
            if ((error as { kind?: string }).kind === "notFound") return { items: [], nextCursor: null };
            throw error;
          }
        }}
      />
    </main>
  );
}

function PolicyEditor({ initial, etag, onSaved }: { initial: Schemas["SlaPolicy"]; etag: string | null; onSaved: () => void }) {
  const [targets, setTargets] = useState(initial.targets);
  const [hours, setHours] = useState(initial.businessHours);
  const form = useSubmit(
    (key) =>
      ok(
        api.PUT("/api/sla-policy", {
          headers: { "Idempotency-Key": key, ...ifMatch(etag) },
          body: { targets, businessHours: hours },
        }),
      ),
    onSaved,
  );
  const setTarget = (priority: (typeof PRIORITIES)[number], field: keyof Schemas["SlaTargets"], value: string) =>
    setTargets({ ...targets, [priority]: { ...targets[priority], [field]: Number(value) } });
  return (
    <form class="panel stack" onSubmit={form.submit} aria-label="SLA policy">
      <FormError form={form} onReload={onSaved} />
      <table>
        <caption>Targets, in minutes</caption>
        <thead>
          <tr>
            <th scope="col">Priority</th>
            <th scope="col">First response</th>
            <th scope="col">Resolution</th>
          </tr>
        </thead>
        <tbody>
          {PRIORITIES.map((priority) => (
            <tr key={priority}>
              <th scope="row">{priority}</th>
              {(["firstResponseMinutes", "resolutionMinutes"] as const).map((field) => (
                <td key={field}>
                  <Field label={`${priority} ${field === "firstResponseMinutes" ? "first response" : "resolution"} minutes`} name={field} pointer={`/targets/${priority}/${field}`} errors={form.fields}>
                    {(p) => <input {...p} type="number" min={1} value={targets[priority][field]} onInput={(e) => setTarget(priority, field, e.currentTarget.value)} />}
                  </Field>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <label class="check">
        <input
          type="checkbox"
          checked={hours !== null}
          onChange={(e) =>
            setHours(e.currentTarget.checked ? { timezone: "Europe/Berlin", days: Object.fromEntries(DAYS.slice(0, 5).map((d) => [d, ["09:00", "17:00"]])) } : null)
          }
        />{" "}
        Count business hours only (otherwise calendar time)
      </label>
      {hours && (
        <fieldset class="stack">
          <legend>Business hours</legend>
          <Field label="Time zone (IANA)" name="timezone" pointer="/businessHours/timezone" errors={form.fields}>
            {(p) => <input {...p} value={hours.timezone} onInput={(e) => setHours({ ...hours, timezone: e.currentTarget.value })} />}
          </Field>
          {DAYS.map((day) => {
            const open = hours.days[day];
            return (
              <div class="row" key={day}>
                <label class="check">
                  <input
                    type="checkbox"
                    checked={!!open}
                    onChange={(e) => {
                      const days = { ...hours.days };
                      if (e.currentTarget.checked) days[day] = ["09:00", "17:00"];
                      else delete days[day];
                      setHours({ ...hours, days });
                    }}
                  />{" "}
                  {day}
                </label>
                {open && (
                  <>
                    <label>
                      {day} opens <input type="time" value={open[0]} onInput={(e) => setHours({ ...hours, days: { ...hours.days, [day]: [e.currentTarget.value, open[1]] } })} />
                    </label>
                    <label>
                      {day} closes <input type="time" value={open[1]} onInput={(e) => setHours({ ...hours, days: { ...hours.days, [day]: [open[0], e.currentTarget.value] } })} />
                    </label>
                  </>
                )}
              </div>
            );
          })}
          {form.fields["/businessHours/days"] && <small class="field-error">{form.fields["/businessHours/days"]}</small>}
        </fieldset>
      )}
      <button type="submit" disabled={form.busy}>
        Save policy
      </button>
    </form>
  );
}

function SlaReport() {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  // Today in the browser's calendar, not UTC's.
  const today = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [timeZone, setTimeZone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone);
  const [asked, setAsked] = useState({ from, to, timeZone });
  const report = useLoad(async () => (await ok(api.GET("/api/reports/sla", { params: { query: asked } }))).data, [asked]);
  return (
    <section aria-labelledby="sla-report">
      <h2 id="sla-report">SLA report</h2>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked({ from, to, timeZone });
        }}
      >
        <label>
          From <input type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          To <input type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <label>
          Time zone <input value={timeZone} onInput={(e) => setTimeZone(e.currentTarget.value)} />
        </label>
        <button type="submit">Show</button>
      </form>
      {report.error && <ErrorNotice error={report.error} onRetry={report.reload} />}
      {report.data && (
        <table>
          <caption>
            Cases opened {report.data.from} to {report.data.to} ({report.data.timeZone})
          </caption>
          <thead>
            <tr>
              <th scope="col">Priority</th>
              <th scope="col">Opened</th>
              <th scope="col">First response met / breached</th>
              <th scope="col">Resolution met / breached</th>
              <th scope="col">Average first response (min)</th>
            </tr>
          </thead>
          <tbody>
            {PRIORITIES.map((p) => {
              const f = report.data!.priorities[p];
              return (
                <tr key={p}>
                  <th scope="row">{p}</th>
                  <td class="number">{f.opened}</td>
                  <td class="number">
                    {f.firstResponseMet} / {f.firstResponseBreached}
                  </td>
                  <td class="number">
                    {f.resolutionMet} / {f.resolutionBreached}
                  </td>
                  <td class="number">{f.averageFirstResponseMinutes ?? "—"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
