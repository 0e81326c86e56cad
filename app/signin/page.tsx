// public: the sign-in page is where signed-out visitors are sent; it shows no content.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { readAuthConfig } from "@/lib/auth/config";
import { getViewer } from "@/lib/auth/session";
import { isDemoMode } from "@/lib/auth/users";
import { SignInForm } from "./sign-in-form";
import { LogoMark } from "../_components/logo";

export const metadata: Metadata = { title: "Sign in" };

function safeCallback(url: string | undefined): string {
  // Only same-site paths: an open redirect after sign-in would be a phishing aid.
  return url && url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\") ? url : "/";
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const callbackUrl = safeCallback(sp.callbackUrl);
  const cfg = readAuthConfig();
  if (cfg.problems.length === 0 && (await getViewer())) redirect(callbackUrl);
  const demo = cfg.localAccounts && (await isDemoMode());
  const providers = [
    ...(cfg.oidc ? [{ id: "oidc", name: cfg.oidc.name }] : []),
    ...(cfg.github ? [{ id: "github", name: "GitHub" }] : []),
  ];
  return (
    <main className="auth-wrap" id="main">
      <div className="card auth-card">
        <div className="brand">
          <LogoMark />
          Kaizen
        </div>
        <h1 style={{ fontSize: "1.3rem" }}>Sign in</h1>
        <p className="muted small">Blameless post-mortems for your whole organization.</p>
        {cfg.problems.length > 0 ? (
          <div className="alert alert--danger" role="alert">
            <strong>Sign-in is not configured, so Kaizen serves nothing.</strong>
            <ul style={{ margin: "6px 0 0", paddingLeft: 18 }}>
              {cfg.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        ) : (
          <SignInForm callbackUrl={callbackUrl} providers={providers} localAccounts={cfg.localAccounts} initialError={sp.error} demo={demo} />
        )}
      </div>
    </main>
  );
}
