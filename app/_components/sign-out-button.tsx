"use client";
import { signOut } from "next-auth/react";

export function SignOutButton() {
  return (
    // No redirect from next-auth: its answer points at NEXTAUTH_URL (localhost:PORT by default), not the address this
    // page was opened at. The sign-in page is a path on this same origin.
    <button
      type="button"
      onClick={async () => {
        await signOut({ redirect: false });
        // A full load, so nothing rendered for the signed-in user stays in the router cache.
        window.location.assign(new URL("/signin", window.location.href));
      }}
    >
      Sign out
    </button>
  );
}
