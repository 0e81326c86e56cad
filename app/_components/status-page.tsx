import Link from "next/link";

type Action = { href: string; label: string };

/** A whole-page message in the product's design: what happened, why, and where to go from here. */
export function StatusPage({ code, title, children, actions }: { code?: string; title: string; children: React.ReactNode; actions: Action[] }) {
  return (
    <main id="main" className="status-page">
      <div className="card status-page__card">
        {code && <p className="status-page__code">{code}</p>}
        <h1>{title}</h1>
        <div className="status-page__text">{children}</div>
        <p className="status-page__actions">
          {actions.map((a, i) => (
            <Link key={a.href} className={`btn${i === 0 ? " btn--primary" : ""}`} href={a.href}>
              {a.label}
            </Link>
          ))}
        </p>
      </div>
    </main>
  );
}

/** Shown to readers on writing pages: the page exists, their role does not allow it. */
export function AuthorsOnly({ what, back }: { what: string; back: Action }) {
  return (
    <StatusPage code="Authors only" title={`${what} needs the author role`} actions={[back, { href: "/", label: "Overview" }]}>
      <p>You are signed in as a reader: you can read and search every post-mortem you have access to. Ask an admin for the author role to write or edit post-mortems.</p>
    </StatusPage>
  );
}
