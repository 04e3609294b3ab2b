// My day: my open tasks (overdue first), my cases by SLA due time, my deals closing this month.
import { api, ok, type Schemas } from "../api/client";
import { useSession } from "../session";
import { ErrorNotice, Loading, useLoad } from "../ui";
import { DueCaseTable } from "./cases";
import { OpportunityTable } from "./sales";
import { TaskTable } from "./tasks";

/** This month's first and last day, as the API's dates (the browser's local calendar). */
function thisMonth(): { start: string; end: string } {
  const now = new Date();
  const last = new Date(now.getFullYear(), now.getMonth() + 1, 0).getDate();
  const pad = (n: number) => String(n).padStart(2, "0");
  const month = `${now.getFullYear()}-${pad(now.getMonth() + 1)}`;
  return { start: `${month}-01`, end: `${month}-${pad(last)}` };
}

export function MyDay() {
  const { userId } = useSession();
  const tasks = useLoad(async () => {
    // Overdue first (its own index), then the rest of my open tasks by due time.
    const [overdue, open] = await Promise.all([
      ok(api.GET("/api/tasks/overdue", { params: { query: { assigneeId: userId, limit: 50 } } })),
      ok(api.GET("/api/tasks", { params: { query: { assigneeId: userId, status: "open", limit: 50 } } })),
    ]);
    const late = new Set(overdue.data.items.map((t) => t.taskId));
    return [...overdue.data.items, ...open.data.items.filter((t) => !late.has(t.taskId))];
  }, [userId]);
  const cases = useLoad(
    async () => {
      // The due queue holds running clocks by due instant; "before" a month from now shows the
      // breached ones first, then the time left on the rest.
      const before = new Date(Date.now() + 31 * 86400_000).toISOString();
      return (await ok(api.GET("/api/cases/due", { params: { query: { assigneeId: userId, before, limit: 50 } } }))).data.items;
    },
    [userId],
  );
  const deals = useLoad(async () => {
    const { start, end } = thisMonth();
    // By close date: page until past the month's end (slipped deals come first).
    const mine: Schemas["OpportunityListItem"][] = [];
    let cursor: string | undefined;
    do {
      const page = (await ok(api.GET("/api/opportunities", { params: { query: { ownerId: userId, status: "open", limit: 100, cursor } } })))
        .data;
      mine.push(...page.items);
      cursor = page.items.some((o) => o.closeDate > end) ? undefined : (page.nextCursor ?? undefined);
    } while (cursor);
    return mine.filter((o) => o.closeDate >= start && o.closeDate <= end);
  }, [userId]);
  return (
    <main id="main" tabIndex={-1}>
      <h1>My day</h1>
      <p class="muted">Signed in as {userId}.</p>
      <section aria-labelledby="my-tasks">
        <h2 id="my-tasks">My open tasks</h2>
        {tasks.error && <ErrorNotice error={tasks.error} onRetry={tasks.reload} />}
        {tasks.loading && !tasks.data && <Loading />}
        {tasks.data && (tasks.data.length ? <TaskTable tasks={tasks.data} caption="My open tasks, overdue first" /> : <p class="muted">No open tasks.</p>)}
      </section>
      <section aria-labelledby="my-cases">
        <h2 id="my-cases">My cases by SLA due time</h2>
        {cases.error && <ErrorNotice error={cases.error} onRetry={cases.reload} />}
        {cases.loading && !cases.data && <Loading />}
        {cases.data && (cases.data.length ? <DueCaseTable items={cases.data} caption="My cases by SLA due time" /> : <p class="muted">No case of mine is due.</p>)}
      </section>
      <section aria-labelledby="my-deals">
        <h2 id="my-deals">My open opportunities closing this month</h2>
        {deals.error && <ErrorNotice error={deals.error} onRetry={deals.reload} />}
        {deals.loading && !deals.data && <Loading />}
        {deals.data && (deals.data.length ? <OpportunityTable items={deals.data} caption="Closing this month" /> : <p class="muted">Nothing closes this month.</p>)}
      </section>
    </main>
  );
}
