"use client";

import Link from "next/link";
import { useEffect } from "react";

// An error boundary for every page: the server logged the details; the person gets a way forward, never a stack.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <main id="main" className="status-page">
      <div className="card status-page__card">
        <p className="status-page__code">Something went wrong</p>
        <h1>This page could not be shown</h1>
        <div className="status-page__text">
          <p>Kaizen hit an unexpected error while preparing it. Nothing you wrote was lost: drafts in the editor are kept in this browser.</p>
          {error.digest && (
            <p className="muted">
              Reference for an admin: <code>{error.digest}</code>
            </p>
          )}
        </div>
        <p className="status-page__actions">
          <button type="button" className="btn btn--primary" onClick={reset}>
            Try again
          </button>
          <Link className="btn" href="/">
            Overview
          </Link>
        </p>
      </div>
    </main>
  );
}
