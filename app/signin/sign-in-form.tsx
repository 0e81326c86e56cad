"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";

const MESSAGES: Record<string, string> = {
  CredentialsSignin: "That username and password do not match an account.",
  RateLimited: "Too many attempts. Wait a minute and try again.",
  SignInUnavailable: "Sign-in is unavailable right now: the server cannot reach its shared session store. Try again in a minute; pages you are signed in to keep working.",
  AccessDenied: "Your account is not allowed to sign in here.",
  OAuthSignin: "The identity provider could not be reached.",
  OAuthCallback: "The identity provider returned an error.",
  SessionRequired: "Sign in to continue.",
};

export function SignInForm(props: { callbackUrl: string; providers: { id: string; name: string }[]; localAccounts: boolean; initialError?: string; demo: boolean }) {
  const [error, setError] = useState(props.initialError ? (MESSAGES[props.initialError] ?? "Sign-in failed. Try again.") : "");
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError("");
    const res = await signIn("credentials", { redirect: false, username: String(form.get("username") ?? ""), password: String(form.get("password") ?? ""), callbackUrl: props.callbackUrl });
    if (res?.ok && !res.error) {
      window.location.assign(props.callbackUrl);
      return;
    }
    setBusy(false);
    setError(MESSAGES[res?.error ?? ""] ?? "Sign-in failed. Try again.");
  }

  return (
    <>
      {error && (
        <div className="alert alert--danger" role="alert" style={{ marginBottom: 12 }}>
          {error}
        </div>
      )}
      {props.providers.map((p) => (
        <button key={p.id} type="button" className="btn btn--primary" style={{ width: "100%", marginBottom: 8 }} onClick={() => signIn(p.id, { callbackUrl: props.callbackUrl })}>
          Continue with {p.name}
        </button>
      ))}
      {props.providers.length > 0 && props.localAccounts && <div className="divider">or</div>}
      {props.localAccounts && (
        <form onSubmit={onSubmit}>
          <div className="field">
            <label htmlFor="username">Username</label>
            <input id="username" name="username" type="text" autoComplete="username" required autoFocus />
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required />
          </div>
          <button className="btn btn--primary" type="submit" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
      )}
      {props.demo && (
        <div className="alert alert--info small" style={{ marginTop: 14 }}>
          <strong>Demo mode.</strong> Sign in as <code>admin</code>, <code>author</code> or <code>reader</code> with the password printed in the terminal by the first <code>npm start</code>. Manage accounts with <code>npm run kaizen -- users</code>.
        </div>
      )}
    </>
  );
}
