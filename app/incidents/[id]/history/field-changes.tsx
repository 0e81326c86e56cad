import type { FieldChange } from "@/lib/knowledge/field-changes";
import { formatDateTime } from "../../../_components/format";

const OP_LABEL: Record<FieldChange["op"], string> = { added: "Added", removed: "Removed", changed: "Changed" };
const TIMES = new Set(["Started", "Detected", "Mitigated", "Resolved"]);

function Value({ section, text }: { section: string; text: string }) {
  return <>{TIMES.has(section) ? formatDateTime(text) : text}</>;
}

function Change({ c }: { c: FieldChange }) {
  const item = c.at ? `${formatDateTime(c.at)}` : c.item;
  const showBefore = c.before !== undefined && c.before !== "" && (c.op !== "removed" || c.section !== "Timeline");
  const showAfter = c.after !== undefined && c.after !== "" && (c.op !== "added" || c.section !== "Timeline");
  return (
    <li className={`fc-row fc-row--${c.op}`}>
      <span className={`fc-op fc-op--${c.op}`}>{OP_LABEL[c.op]}</span>
      <div className="fc-body">
        {item && <div className="fc-item">{item}</div>}
        {c.section === "Timeline" && c.op !== "changed" && <div className={c.op === "removed" ? "fc-before" : "fc-after"}>{c.item}</div>}
        {showBefore && (
          <div className="fc-before">
            <span className="visually-hidden">Before: </span>
            <Value section={c.section} text={c.before!} />
          </div>
        )}
        {showAfter && (
          <div className="fc-after">
            <span className="visually-hidden">After: </span>
            <Value section={c.section} text={c.after!} />
          </div>
        )}
        {c.details && c.section !== "Contributing factors" && (
          <ul className="fc-details">
            {c.details.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        )}
      </div>
    </li>
  );
}

/** The change between two revisions as a person reads the post-mortem: section by section, row by row. */
export function FieldChanges({ changes, unreadable }: { changes: FieldChange[]; unreadable: string[] }) {
  const sections = [...new Set(changes.map((c) => c.section))];
  return (
    <section className="card fc" aria-labelledby="fc-h">
      <h2 id="fc-h">What changed</h2>
      {unreadable.length > 0 ? (
        <p className="muted small">The {unreadable.join(" and ")} revision&apos;s fields could not be read (its frontmatter is broken): see the line diff below.</p>
      ) : changes.length === 0 ? (
        <p className="muted small">No field changed: only the write-up (the body) differs. See the line diff below.</p>
      ) : (
        sections.map((s) => (
          <div key={s} className="fc-section">
            <h3>{s}</h3>
            <ul className="fc-list">
              {changes
                .filter((c) => c.section === s)
                .map((c, i) => (
                  <Change key={i} c={c} />
                ))}
            </ul>
          </div>
        ))
      )}
    </section>
  );
}
