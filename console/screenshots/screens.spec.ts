// Sets up a small, believable book of business through the API, then photographs each main
// screen at 1,440 px (and My day at 390 px) into docs/screenshots/.
import { expect, test } from "@playwright/test";
import { ME, RUN, apiContext, eventually, json, signIn } from "../tests/helpers";

const OUT = "../docs/screenshots";

test("the main screens", async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const api = await apiContext(baseURL!);
  const post = <T = Record<string, string>>(path: string, data: unknown) => json<T>(api.post(`api/${path}`, { data }));
  const client = await post("clients", { name: `Northwind Traders ${RUN}`, industry: "Wholesale" });
  const ada = await post("contacts", { name: "Ada Lovelace", email: `ada.${RUN}@northwind.example`, phone: "+44 20 7946 0018" });
  const grace = await post("contacts", { name: "Grace Hopper", email: `grace.${RUN}@northwind.example` });
  for (const person of [ada, grace]) await post(`clients/${client.clientId}/contacts`, { contactId: person.contactId });
  const kase = await post("cases", { clientId: client.clientId, description: "Invoices arrive without VAT numbers", priority: "high", assigneeId: ME, origin: "email" });
  await post(`cases/${kase.caseId}/interactions`, { description: "Ada reports three invoices without VAT numbers", type: "email", direction: "inbound", contactId: ada.contactId });
  await post(`cases/${kase.caseId}/interactions`, { description: "Asked finance for the template fix", type: "note", direction: "internal" });
  await post("cases", { clientId: client.clientId, description: "Portal login loops for Grace", priority: "urgent", assigneeId: ME, origin: "phone" });
  const pipeline = await post<{ pipelineId: string; stages: { stageId: string }[] }>("pipelines", {
    name: `Wholesale ${RUN}`,
    stages: [
      { label: "Qualify", probability: 10 },
      { label: "Discovery", probability: 30 },
      { label: "Proposal", probability: 60 },
      { label: "Negotiation", probability: 80 },
      { label: "Won", probability: 100, outcome: "won" },
      { label: "Lost", probability: 0, outcome: "lost" },
    ],
  });
  const month = new Date().toISOString().slice(0, 8);
  const deals: [string, string, string, number][] = [
    ["Spring restock", "12500.00", "EUR", 0],
    ["Cold-chain pilot", "48000.00", "EUR", 1],
    ["Nordic expansion", "220000", "JPY", 1],
    ["Annual framework", "96000.00", "USD", 2],
    ["Returns automation", "18250.50", "EUR", 3],
  ];
  for (const [name, amount, currency, stage] of deals) {
    await post("opportunities", {
      clientId: client.clientId, pipelineId: pipeline.pipelineId, stageId: pipeline.stages[stage].stageId,
      name, amount, currency, closeDate: `${month}28`, ownerId: ME, contacts: [{ contactId: ada.contactId, role: "buyer" }],
    });
  }
  const hour = 3600_000;
  await post("tasks", { title: "Call Ada about the VAT fix", type: "call", priority: "high", dueAt: new Date(Date.now() - 2 * hour).toISOString(), assigneeId: ME, targets: [{ type: "case", id: kase.caseId }] });
  await post("tasks", { title: "Send the framework proposal", type: "email", dueAt: new Date(Date.now() + 20 * hour).toISOString(), assigneeId: ME, targets: [{ type: "client", id: client.clientId }] });
  await post("tasks", { title: "Prepare the quarterly review", dueAt: new Date(Date.now() + 50 * hour).toISOString(), assigneeId: ME });
  await api.patch(`api/contacts/${ada.contactId}`, { data: { phone: "+44 20 7946 0019" } });
  await eventually(
    () => json<{ items: unknown[] }>(api.get(`api/opportunities?pipelineId=${pipeline.pipelineId}`)),
    (page) => page.items.length === deals.length,
    "the deals on the board",
  );
  await eventually(
    () => json<{ items: { title: string }[] }>(api.get(`api/tasks?assigneeId=${ME}&limit=100`)),
    (page) => ["Call Ada about the VAT fix", "Send the framework proposal", "Prepare the quarterly review"].every((t) => page.items.some((i) => i.title === t)),
    "my tasks",
  );
  await eventually(
    () => json<{ items: { caseId: string }[] }>(api.get(`api/cases/due?assigneeId=${ME}&limit=100&before=${new Date(Date.now() + 86400_000).toISOString()}`)),
    (page) => page.items.some((i) => i.caseId === kase.caseId),
    "my cases in the due queue",
  );

  await signIn(page);
  const shoot = async (path: string, file: string, ready: string) => {
    await page.goto(path);
    await expect(page.getByText(ready).first()).toBeVisible();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${OUT}/${file}.png`, fullPage: false });
  };
  await shoot("/#/", "my-day", "Call Ada about the VAT fix");
  await page.goto("/#/board");
  await page.getByLabel("Pipeline").selectOption({ label: `Wholesale ${RUN}` });
  await expect(page.getByText("Returns automation")).toBeVisible();
  await expect(page.getByRole("img", { name: /^Closing / }).first()).toBeVisible();
  await page.screenshot({ path: `${OUT}/pipeline-board.png`, fullPage: true });
  await shoot(`/#/cases/${kase.caseId}`, "case", "First response");
  await shoot(`/#/contacts/${ada.contactId}`, "contact-timeline", "Contact Edited");
  await page.getByLabel("See it as it was on").fill(new Date(Date.now() - new Date().getTimezoneOffset() * 60000 - 5000).toISOString().slice(0, 19));
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByText("Showing the record as it stood on")).toBeVisible();
  await page.screenshot({ path: `${OUT}/contact-as-of.png` });
  await shoot("/#/admin", "admin-sla-policy", "Targets, in minutes");
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot("/#/", "my-day-390", "Call Ada about the VAT fix");
  await api.dispose();
});
