// public: next-auth's own endpoints (sign-in, callback, session, csrf, sign-out) authenticate by design.
import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { buildAuthOptions, SIGN_IN_UNAVAILABLE } from "@/lib/auth/options";
import { handle, readBodyText } from "@/lib/http";

// A sign-in or sign-out form is a few hundred bytes; left alone, next-auth would buffer whatever it is sent.
const AUTH_BODY_BYTES = 16_384;

type Ctx = { params: Promise<{ nextauth: string[] }> };

async function handler(req: NextRequest, ctx: Ctx): Promise<Response> {
  if (req.method !== "POST") return NextAuth(buildAuthOptions())(req, ctx);
  return handle(async () => {
    const body = await readBodyText(req, AUTH_BODY_BYTES);
    const headers = new Headers(req.headers);
    headers.delete("content-length");
    headers.delete("transfer-encoding");
    const res: Response = await NextAuth(buildAuthOptions())(new NextRequest(req.url, { method: "POST", headers, body }), ctx);
    return unavailableAs503(res);
  });
}

/**
 * next-auth answers every refused credentials sign-in alike (401 with an error code in the URL); one refused because
 * the shared rate limits cannot be reached is the service's fault, not the user's, so a client or a monitor gets 503.
 */
async function unavailableAs503(res: Response): Promise<Response> {
  if (res.status !== 401 || !res.headers.get("content-type")?.includes("json")) return res;
  const text = await res.text();
  const status = text.includes(`error=${SIGN_IN_UNAVAILABLE}`) ? 503 : res.status;
  return new Response(text, { status, headers: res.headers });
}

export { handler as GET, handler as POST };
