// Hash routes (`#/cases/abc`): the console is one static index.html, so CloudFront and the
// local server serve it for `/` alone and every API 404 stays the API's.
import { useEffect, useState } from "preact/hooks";

export type Route = { path: string[]; query: URLSearchParams };

function current(): Route {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query] = hash.split("?");
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part; // a stray `%`: kept as typed, never a crash
    }
  };
  return { path: path.split("/").filter(Boolean).map(decode), query: new URLSearchParams(query ?? "") };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const changed = () => setRoute(current());
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}

export function navigate(path: string) {
  location.hash = path;
}
