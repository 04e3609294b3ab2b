// Contacts and clients: lists with the email lookup, record pages with edit (If-Match), links,
// timeline, as-of view, tasks, and erasure behind a typed confirmation.
import { useState } from "preact/hooks";
import { api, ok, type Schemas } from "../api/client";
import { navigate } from "../router";
import {
  AsOfBanner,
  AsOfControl,
  FormError,
  Field,
  forgetNames,
  ifMatch,
  Paged,
  RecordPending,
  RecordLink,
  Timeline,
  useRecordAsOf,
  useSubmit,
} from "../ui";
import { RecordTasks } from "./tasks";

export function ContactsList() {
  const [email, setEmail] = useState("");
  const [lookup, setLookup] = useState("");
  return (
    <main id="main" tabIndex={-1}>
      <h1>Contacts</h1>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setLookup(email.trim());
        }}
      >
        <label>
          Find by email <input type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <button type="submit">Find</button>
        {lookup && (
          <button
            type="button"
            onClick={() => {
              setEmail("");
              setLookup("");
            }}
          >
            Show all
          </button>
        )}
      </form>
      <Paged
        label="Contacts"
        deps={[lookup]}
        empty={lookup ? `No contact has the email ${lookup}.` : "No contacts yet."}
        load={async (cursor) =>
          (await ok(api.GET("/api/contacts", { params: { query: lookup ? { email: lookup, cursor } : { cursor } } }))).data
        }
        render={(items) => (
          <table>
            <caption>Contacts</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Phone</th>
                <th scope="col">Clients</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.contactId}>
                  <td>
                    <a href={`#/contacts/${c.contactId}`}>{c.name}</a>
                  </td>
                  <td>{c.email}</td>
                  <td>{c.phone ?? "—"}</td>
                  <td>{c.clients.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      />
      <NewContact />
    </main>
  );
}

function NewContact() {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [phone, setPhone] = useState("");
  const form = useSubmit(
    (key) =>
      ok(
        api.POST("/api/contacts", {
          headers: { "Idempotency-Key": key },
          body: { name, email, ...(phone ? { phone } : {}) },
        }),
      ),
    (created) => navigate(`/contacts/${created.data.contactId}`),
  );
  return (
    <form class="panel stack" onSubmit={form.submit} aria-label="New contact">
      <h2>New contact</h2>
      <FormError form={form} />
      <Field label="Name" name="name" errors={form.fields}>
        {(p) => <input {...p} autocomplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
      </Field>
      <Field label="Email" name="email" errors={form.fields}>
        {(p) => <input {...p} autocomplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
      </Field>
      <Field label="Phone" name="phone" errors={form.fields}>
        {(p) => <input {...p} autocomplete="off" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />}
      </Field>
      <button type="submit" disabled={form.busy}>
        {form.busy ? "Creating…" : "Create contact"}
      </button>
    </form>
  );
}

export function ContactPage({ id }: { id: string }) {
  const { asOf, setAsOf, record: contact } = useRecordAsOf((query) => ok(api.GET("/api/contacts/{id}", { params: { path: { id }, query } })), id);
  if (!contact.data) return <RecordPending name="Contact" record={contact} asOf={asOf} onNow={() => setAsOf(null)} />;
  const c = contact.data.data;
  return (
    <main id="main" tabIndex={-1}>
      <h1>{c.name}</h1>
      <AsOfBanner asOf={asOf} />
      <dl class="facts">
        <dt>Email</dt>
        <dd>{c.email}</dd>
        <dt>Phone</dt>
        <dd>{c.phone ?? "—"}</dd>
        <dt>Clients</dt>
        <dd>
          {c.clients.length
            ? c.clients.map((client) => <RecordLink key={client} type="client" id={client} />)
            : "—"}
        </dd>
        <dt>Version</dt>
        <dd>{c.version}</dd>
      </dl>
      <AsOfControl asOf={asOf} onChange={setAsOf} />
      {/* Keyed by version: a reload after a 412 refills the form with what is there now. */}
      {!asOf && <EditContact key={contact.data.etag} contact={c} etag={contact.data.etag} onSaved={contact.reload} />}
      {!asOf && <RecordTasks type="contact" id={id} />}
      <h2>Timeline</h2>
      <Timeline
        deps={[id, contact.data.etag]}
        load={async (cursor) =>
          (await ok(api.GET("/api/contacts/{id}/history", { params: { path: { id }, query: { cursor, order: "desc" } } }))).data
        }
      />
      {!asOf && <EraseContact contact={c} />}
    </main>
  );
}

function EditContact({ contact, etag, onSaved }: { contact: Schemas["Contact"]; etag: string | null; onSaved: () => void }) {
  const [name, setName] = useState(contact.name);
  const [email, setEmail] = useState(contact.email);
  const [phone, setPhone] = useState(contact.phone ?? "");
  const form = useSubmit(
    (key) =>
      ok(
        api.PATCH("/api/contacts/{id}", {
          params: { path: { id: contact.contactId } },
          headers: { "Idempotency-Key": key, ...ifMatch(etag) },
          // Only what this person changed: a field they left alone keeps what is stored.
          body: {
            ...(name !== contact.name ? { name } : {}),
            ...(email !== contact.email ? { email } : {}),
            ...((phone || null) !== contact.phone ? { phone: phone || null } : {}),
          },
        }),
      ),
    onSaved,
  );
  return (
    <form class="panel stack" onSubmit={form.submit} aria-label="Edit contact">
      <h2>Edit</h2>
      <FormError form={form} onReload={onSaved} />
      <Field label="Name" name="name" errors={form.fields}>
        {(p) => <input {...p} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
      </Field>
      <Field label="Email" name="email" errors={form.fields}>
        {(p) => <input {...p} value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
      </Field>
      <Field label="Phone" name="phone" errors={form.fields}>
        {(p) => <input {...p} value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />}
      </Field>
      <button type="submit" disabled={form.busy}>
        Save changes
      </button>
    </form>
  );
}

/** Erasure destroys the person's key: asked for by typing their name. */
function EraseContact({ contact }: { contact: Schemas["Contact"] }) {
  const [typed, setTyped] = useState("");
  const [done, setDone] = useState(false);
  const form = useSubmit(
    (key) =>
      ok(api.POST("/api/contacts/{id}/erase", { params: { path: { id: contact.contactId } }, headers: { "Idempotency-Key": key } })),
    () => {
      forgetNames();
      setDone(true);
    },
  );
  if (done) return <p class="notice" role="status">{contact.name}'s personal data was erased.</p>;
  return (
    <form class="panel danger stack" onSubmit={form.submit} aria-label="Erase this person">
      <h2>Erase this person</h2>
      <p>
        Erasure destroys the key their personal data is sealed with, in every event and every record that names them. It
        cannot be undone. Type <strong>{contact.name}</strong> to confirm.
      </p>
      <FormError form={form} />
      <Field label="Type the person's name" name="confirm" errors={{}}>
        {(p) => <input {...p} autocomplete="off" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />}
      </Field>
      <button type="submit" class="danger" disabled={typed !== contact.name || form.busy}>
        Erase {contact.name}
      </button>
    </form>
  );
}

export function ClientsList() {
  return (
    <main id="main" tabIndex={-1}>
      <h1>Clients</h1>
      <Paged
        label="Clients"
        deps={[]}
        empty="No clients yet."
        load={async (cursor) => (await ok(api.GET("/api/clients", { params: { query: { cursor } } }))).data}
        render={(items) => (
          <table>
            <caption>Clients</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Industry</th>
                <th scope="col">Contacts</th>
                <th scope="col">Open cases</th>
                <th scope="col">Open opportunities</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.clientId}>
                  <td>
                    <a href={`#/clients/${c.clientId}`}>{c.name}</a>
                  </td>
                  <td>{c.industry ?? "—"}</td>
                  <td>{c.contactCount}</td>
                  <td>{c.openCaseCount}</td>
                  <td>{c.openOpportunityCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      />
      <NewClient />
    </main>
  );
}

function NewClient() {
  const [name, setName] = useState("");
  const [industry, setIndustry] = useState("");
  const form = useSubmit(
    (key) =>
      ok(api.POST("/api/clients", { headers: { "Idempotency-Key": key }, body: { name, ...(industry ? { industry } : {}) } })),
    (created) => navigate(`/clients/${created.data.clientId}`),
  );
  return (
    <form class="panel stack" onSubmit={form.submit} aria-label="New client">
      <h2>New client</h2>
      <FormError form={form} />
      <Field label="Name" name="name" errors={form.fields}>
        {(p) => <input {...p} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
      </Field>
      <Field label="Industry" name="industry" errors={form.fields}>
        {(p) => <input {...p} value={industry} onInput={(e) => setIndustry(e.currentTarget.value)} />}
      </Field>
      <button type="submit" disabled={form.busy}>
        Create client
      </button>
    </form>
  );
}

export function ClientPage({ id }: { id: string }) {
  const { asOf, setAsOf, record: client } = useRecordAsOf((query) => ok(api.GET("/api/clients/{id}", { params: { path: { id }, query } })), id);
  if (!client.data) return <RecordPending name="Client" record={client} asOf={asOf} onNow={() => setAsOf(null)} />;
  const c = client.data.data;
  return (
    <main id="main" tabIndex={-1}>
      <h1>{c.name}</h1>
      <AsOfBanner asOf={asOf} />
      <dl class="facts">
        <dt>Industry</dt>
        <dd>{c.industry ?? "—"}</dd>
        <dt>Contacts</dt>
        <dd>
          {c.contacts.length
            ? c.contacts.map((contact) => <RecordLink key={contact} type="contact" id={contact} />)
            : "—"}
        </dd>
        <dt>Version</dt>
        <dd>{c.version}</dd>
      </dl>
      <AsOfControl asOf={asOf} onChange={setAsOf} />
      {!asOf && (
        <>
          <LinkContact clientId={id} etag={client.data.etag} onLinked={client.reload} />
          <div class="actions">
            <a class="button" href={`#/cases/new?clientId=${id}`}>
              Open a case
            </a>
            <a class="button" href={`#/opportunities/new?clientId=${id}`}>
              New opportunity
            </a>
          </div>
          <RecordTasks type="client" id={id} />
        </>
      )}
      <h2>Timeline</h2>
      <Timeline
        deps={[id, client.data.etag]}
        load={async (cursor) =>
          (await ok(api.GET("/api/clients/{id}/history", { params: { path: { id }, query: { cursor, order: "desc" } } }))).data
        }
      />
    </main>
  );
}

function LinkContact({ clientId, etag, onLinked }: { clientId: string; etag: string | null; onLinked: () => void }) {
  const [email, setEmail] = useState("");
  const form = useSubmit(async (key) => {
    // People are found by email (the API's lookup), then linked by id.
    const matches = (await ok(api.GET("/api/contacts", { params: { query: { email: email.trim() } } }))).data.items;
    if (!matches.length) throw new Error(`No contact has the email ${email.trim()}.`);
    if (matches.length > 1) throw new Error(`${matches.length} contacts have the email ${email.trim()}: link from the person's page.`);
    const found = matches[0];
    return ok(
      api.POST("/api/clients/{id}/contacts", {
        params: { path: { id: clientId } },
        headers: { "Idempotency-Key": key, ...ifMatch(etag) },
        body: { contactId: found.contactId },
      }),
    );
  }, onLinked);
  return (
    <form class="panel stack" onSubmit={form.submit} aria-label="Link a contact">
      <h2>Link a contact</h2>
      <FormError form={form} />
      <Field label="Contact's email" name="email" errors={form.fields}>
        {(p) => <input {...p} type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
      </Field>
      <button type="submit" disabled={form.busy}>
        Link contact
      </button>
    </form>
  );
}
