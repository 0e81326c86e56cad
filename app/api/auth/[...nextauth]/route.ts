// public: next-auth's own endpoints (sign-in, callback, session, csrf, sign-out) authenticate by design.
import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { buildAuthOptions } from "@/lib/auth/options";
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
    return NextAuth(buildAuthOptions())(new NextRequest(req.url, { method: "POST", headers, body }), ctx);
  });
}

export { handler as GET, handler as POST };
