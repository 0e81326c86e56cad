import { NextResponse, type NextRequest } from "next/server";

// A convenience only: signed-out visitors are sent to sign-in early. Every page, route handler and server action
// still authorizes for itself; nothing relies on this.
const PUBLIC = [/^\/signin(\/|$)/, /^\/api\/auth\//, /^\/api\/health$/, /^\/api\/countermeasures\.ics$/, /^\/_next\//, /^\/favicon/, /^\/robots\.txt$/];
const COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

/** The request header that carries this request's CSP nonce to the page (Next also reads it from the CSP header). */
export const NONCE_HEADER = "x-nonce";

const isDev = process.env.NODE_ENV !== "production";

/**
 * The page's Content-Security-Policy. Scripts run only with this request's nonce ('strict-dynamic' lets Next's own
 * nonced loader add its chunks), so an injected inline script or handler never runs. Styles keep 'unsafe-inline':
 * React writes style attributes (chart bars, progress widths), which nonces cannot cover, and CSS cannot run code.
 * Nothing from content is ever evaluated, so there is no 'unsafe-eval' outside the dev server (React's dev tooling).
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const isPublic = PUBLIC.some((re) => re.test(pathname));
  const hasSession = COOKIES.some((c) => req.cookies.has(c) || req.cookies.getAll().some((x) => x.name.startsWith(`${c}.`)));
  if (!isPublic && !hasSession) {
    if (pathname.startsWith("/api/")) return NextResponse.json({ error: "unauthorized", message: "sign in first" }, { status: 401, headers: { "Cache-Control": "private, no-store" } });
    const url = req.nextUrl.clone();
    url.pathname = "/signin";
    url.search = `?callbackUrl=${encodeURIComponent(pathname + search)}`;
    return NextResponse.redirect(url);
  }
  // A fresh nonce per response. Next renders it into its own script tags when the request's CSP header carries one;
  // any nonce the client sent in these headers is overwritten.
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const csp = contentSecurityPolicy(nonce);
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set(NONCE_HEADER, nonce);
  requestHeaders.set("content-security-policy", csp);
  const res = NextResponse.next({ request: { headers: requestHeaders } });
  res.headers.set("Content-Security-Policy", csp);
  return res;
}

// API routes answer 401 themselves (and send no HTML, so no nonce); keeping them out of the proxy saves a step on the
// hottest paths (search).
export const config = { matcher: ["/((?!api/|_next/static|_next/image|favicon.ico).*)"] };
