// public: next-auth's own endpoints (sign-in, callback, session, csrf, sign-out) authenticate by design.
import NextAuth from "next-auth";
import { buildAuthOptions } from "@/lib/auth/options";

const handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => NextAuth(buildAuthOptions())(req, ctx);

export { handler as GET, handler as POST };
