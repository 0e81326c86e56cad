import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { readAudit } from "@/lib/auth/audit";
import { denied, requireViewer } from "@/lib/auth/session";
import { canManageUsers } from "@/lib/auth/viewer";
import { formatDateTime } from "../../_components/format";

export const metadata: Metadata = { title: "Audit log" };

function describe(r: Awaited<ReturnType<typeof readAudit>>[number]): string {
  switch (r.type) {
    case "sign-in":
      return `${r.ok ? "signed in" : "sign-in refused"} (${r.method}${r.reason ? `, ${r.reason}` : ""})`;
    case "sign-out":
      return "signed out";
    case "denied":
      return `denied ${r.action} on ${r.target}: ${r.reason}`;
    case "visibility-change":
      return `changed visibility of ${r.incident} from ${r.from} to ${r.to}${r.groups.length ? ` (${r.groups.join(", ")})` : ""}`;
    case "user-change":
      return `${r.target}: ${r.change}`;
    case "taxonomy-change":
      return `factors: ${r.change} (${r.incidents} incident${r.incidents === 1 ? "" : "s"} rewritten in ${r.commit.slice(0, 10)})`;
    case "ticket-close":
      return `marked ${r.incident}#${r.countermeasure} done from a ${r.source} ticket (${r.ticket}), commit ${r.commit.slice(0, 10)}`;
  }
}

export default async function AuditPage() {
  const viewer = await requireViewer("/admin/audit");
  if (!canManageUsers(viewer)) {
    await denied(viewer, "read", "/admin/audit", "admins only");
    notFound();
  }
  const records = await readAudit(500);
  return (
    <main id="main">
      <div className="page-head">
        <div>
          <div className="eyebrow">Administration</div>
          <h1>Audit log</h1>
          <p>Sign-ins, denied accesses, visibility and account changes; newest first (last 500).</p>
        </div>
      </div>
      <section className="card card--flush" aria-label="Audit records">
        {records.length === 0 ? (
          <div className="empty">
            <strong>Nothing recorded yet.</strong>
          </div>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Event</th>
                  <th scope="col">Who</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {records.map((r, i) => (
                  <tr key={i}>
                    <td style={{ whiteSpace: "nowrap" }}>{formatDateTime(r.at)}</td>
                    <td>
                      <span className={`badge ${r.type === "denied" || (r.type === "sign-in" && !r.ok) ? "badge--overdue" : "badge--open"}`}>{r.type}</span>
                    </td>
                    <td>{"user" in r ? (r.user ?? "anonymous") : ""}</td>
                    <td>{describe(r)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
