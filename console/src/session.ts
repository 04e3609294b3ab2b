// The signed-in session, for every screen that needs "me".
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Session } from "./auth";

export const SessionContext = createContext<Session>({ userId: "", token: null, scopes: [] });

export function useSession(): Session {
  return useContext(SessionContext);
}
