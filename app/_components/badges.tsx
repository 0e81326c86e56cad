export function SeverityBadge({ severity }: { severity?: string | null }) {
  return <span className={`badge badge--${severity ?? "none"}`}>{severity ?? "—"}</span>;
}

const STATUS_LABEL: Record<string, string> = { draft: "Draft", "in-review": "In review", published: "Published", open: "Open", "in-progress": "In progress", done: "Done", "wont-do": "Won't do" };

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge--${status}`}>{STATUS_LABEL[status] ?? status}</span>;
}

export function KindBadge({ kind }: { kind: string }) {
  return kind === "near-miss" ? <span className="badge badge--near-miss">Near miss</span> : null;
}

export function RestrictedBadge({ groups }: { groups: readonly string[] }) {
  return (
    <span className="badge badge--restricted" title={`Visible to: ${groups.join(", ")}`}>
      <svg width="10" height="10" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
        <path d="M6 10V8a6 6 0 1 1 12 0v2h1a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V11a1 1 0 0 1 1-1zm2 0h8V8a4 4 0 1 0-8 0z" />
      </svg>
      Restricted
    </span>
  );
}
