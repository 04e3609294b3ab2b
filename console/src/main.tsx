// The console's shell: sign-in, navigation and the screens behind each hash route.
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { whenSignInNeeded } from "./api/client";
import {
  loadConfig,
  restore,
  signInFailure,
  signInOpen,
  signInWithToken,
  signOut,
  signOutEverywhere,
  startCodeFlow,
  type Config,
  type Session,
} from "./auth";
import { Admin } from "./pages/admin";
import { CasePage, CasesList, NewCase } from "./pages/cases";
import { MyDay } from "./pages/myday";
import { ClientPage, ClientsList, ContactPage, ContactsList } from "./pages/people";
import { Board, NewOpportunity, OpportunitiesList, OpportunityPage } from "./pages/sales";
import { TaskPage, TasksList } from "./pages/tasks";
import { useRoute, type Route } from "./router";
import { SessionContext } from "./session";
import "./styles.css";

const NAV = [
  ["", "My day"],
  ["contacts", "Contacts"],
  ["clients", "Clients"],
  ["cases", "Cases"],
  ["board", "Pipeline"],
  ["opportunities", "Opportunities"],
  ["tasks", "Tasks"],
  ["admin", "Admin"],
] as const;

function Screen({ route }: { route: Route }) {
  const [section, id] = route.path;
  switch (section) {
    case undefined:
      return <MyDay />;
    case "contacts":
      return id ? <ContactPage id={id} /> : <ContactsList />;
    case "clients":
      return id ? <ClientPage id={id} /> : <ClientsList />;
    case "cases":
      if (id === "new") return <NewCase clientId={route.query.get("clientId") ?? ""} />;
      return id ? <CasePage id={id} /> : <CasesList />;
    case "board":
      return <Board />;
    case "opportunities":
      if (id === "new") return <NewOpportunity clientId={route.query.get("clientId") ?? ""} />;
      return id ? <OpportunityPage id={id} /> : <OpportunitiesList />;
    case "tasks":
      return id ? <TaskPage id={id} /> : <TasksList />;
    case "admin":
      return <Admin />;
    default:
      return (
        <main id="main" tabIndex={-1}>
          <h1>Not found</h1>
          <p>
            No screen is at this address. <a href="#/">Go to My day</a>.
          </p>
        </main>
      );
  }
}

function SignIn({ config, expired, onSession }: { config: Config; expired: boolean; onSession: (s: Session) => void }) {
  const [value, setValue] = useState("");
  const [problem, setProblem] = useState("");
  const auth = config.auth;
  return (
    <main id="main" tabIndex={-1} class="signin">
      <h1>Sign in to EventCRM</h1>
      {signInFailure && (
        <p class="notice notice-signin" role="alert">
          {signInFailure}
        </p>
      )}
      {expired && (
        <p class="notice notice-signin" role="alert">
          Your sign-in has ended or was not accepted. Sign in again to continue.
        </p>
      )}
      {auth.kind === "oidc" ? (
        <button type="button" onClick={() => startCodeFlow(auth)}>
          Sign in
        </button>
      ) : (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (auth.kind === "open") {
              if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) return setProblem("A user id is 1 to 64 letters, digits, '-' or '_'.");
              return onSession(signInOpen(value));
            }
            const session = signInWithToken(value);
            if (!session) return setProblem("That is not a token with a subject: paste the whole token.");
            onSession(session);
          }}
        >
          {auth.kind === "open" ? (
            <p>This local stack is open: it needs no token. Choose the user id to act as (for “my” lists and as the default assignee).</p>
          ) : (
            <p>
              Paste an access token. Locally: <code>cargo xtask token</code> against <code>cargo xtask dev --auth</code>.
            </p>
          )}
          <label for="credential">{auth.kind === "open" ? "User id" : "Access token"}</label>
          <input
            id="credential"
            autocomplete="off"
            aria-invalid={problem ? "true" : undefined}
            aria-describedby={problem ? "credential-error" : undefined}
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
          {problem && (
            <small id="credential-error" class="field-error">
              {problem}
            </small>
          )}
          <button type="submit">Sign in</button>
        </form>
      )}
    </main>
  );
}

function App() {
  const [config, setConfig] = useState<Config | null>(null);
  const [session, setSession] = useState<Session | null>(null);
  const [ready, setReady] = useState(false);
  const [expired, setExpired] = useState(false);
  const [failure, setFailure] = useState("");
  const route = useRoute();
  // A new screen: focus moves to its content, as a page load would put it (screen readers
  // announce the new heading; the keyboard starts from there).
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById("main")?.focus();
  }, [route.path.join("/")]);
  useEffect(() => {
    whenSignInNeeded(() => {
      signOut();
      setSession(null);
      setExpired(true);
    });
    loadConfig()
      .then(async (c) => {
        setConfig(c);
        setSession(await restore(c));
        setReady(true);
      })
      .catch((e) => setFailure(String(e)));
  }, []);
  if (failure) return <main id="main" tabIndex={-1}><h1>EventCRM</h1><p role="alert">The console could not start: {failure}</p></main>;
  if (!ready || !config) return <main id="main" tabIndex={-1}><p role="status">Loading…</p></main>;
  if (!session || route.path[0] === "signin")
    return (
      <SignIn
        config={config}
        expired={expired}
        onSession={(s) => {
          setExpired(false);
          setSession(s);
          if (route.path[0] === "signin") location.hash = "/";
        }}
      />
    );
  const here = route.path[0] ?? "";
  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          EventCRM
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([path, label]) => (
              <li key={path}>
                <a href={`#/${path}`} aria-current={here === path ? "page" : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>{session.userId}</span>{" "}
          <button
            type="button"
            onClick={() => {
              setSession(null);
              signOutEverywhere(config);
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <Screen route={route} />
    </SessionContext.Provider>
  );
}

render(<App />, document.getElementById("app")!);
