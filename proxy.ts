import { NextResponse, type NextRequest } from "next/server";

// A convenience only: signed-out visitors are sent to sign-in early. Every page, route handler and server action
// still authorizes for itself; nothing relies on this.
const PUBLIC = [/^\/signin(\/|$)/, /^\/api\/auth\//, /^\/api\/health$/, /^\/api\/countermeasures\.ics$/, /^\/_next\//, /^\/favicon/, /^\/robots\.txt$/];
const COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  if (PUBLIC.some((re) => re.test(pathname))) return NextResponse.next();
  const hasSession = COOKIES.some((c) => req.cookies.has(c) || req.cookies.getAll().some((x) => x.name.startsWith(`${c}.`)));
  if (hasSession) return NextResponse.next();
  if (pathname.startsWith("/api/")) return NextResponse.json({ error: "unauthorized", message: "sign in first" }, { status: 401, headers: { "Cache-Control": "private, no-store" } });
  const url = req.nextUrl.clone();
  url.pathname = "/signin";
  url.search = `?callbackUrl=${encodeURIComponent(pathname + search)}`;
  return NextResponse.redirect(url);
}

// API routes answer 401 themselves; keeping them out of the proxy saves a step on the hottest paths (search).
export const config = { matcher: ["/((?!api/|_next/static|_next/image|favicon.ico).*)"] };
