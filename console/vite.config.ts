// The console's build, and the local server `cargo xtask dev` runs: the built console at `/`,
// the API proxied at `/api` (same origin, as CloudFront serves it on AWS), `config.json` saying
// how to sign in, and the same security headers as the CloudFront distribution.
import { defineConfig, type Plugin } from "vite";

const api = process.env.EVENTCRM_API_ORIGIN ?? "http://127.0.0.1:9001";
const authKind = process.env.EVENTCRM_CONSOLE_AUTH ?? "open";

export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "object-src 'none'",
].join("; ");

const securityHeaders = {
  "Content-Security-Policy": contentSecurityPolicy,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "same-origin",
};

function localConfig(): Plugin {
  return {
    name: "eventcrm-local-config",
    configurePreviewServer(server) {
      server.middlewares.use("/config.json", (_request, response) => {
        response.setHeader("content-type", "application/json");
        response.setHeader("cache-control", "no-cache");
        response.end(JSON.stringify({ apiBase: "/api", auth: { kind: authKind } }));
      });
    },
  };
}

export default defineConfig({
  plugins: [localConfig()],
  build: { target: "es2022", assetsInlineLimit: 0, sourcemap: false },
  preview: {
    host: "127.0.0.1",
    headers: securityHeaders,
    proxy: { "/api": { target: api, changeOrigin: false, xfwd: true } },
  },
});
