/** A unified diff as coloured lines (text only: nothing in it is interpreted as HTML). */
export function DiffView({ diff }: { diff: string }) {
  const lines = diff.split("\n").filter((l, i, a) => !(i === a.length - 1 && l === ""));
  return (
    <div className="diff" role="region" aria-label="Differences between the two revisions" tabIndex={0}>
      {lines.map((l, i) => {
        const cls = l.startsWith("@@") ? "hunk" : l.startsWith("+++") || l.startsWith("---") || l.startsWith("diff ") || l.startsWith("index ") || l.startsWith("similarity") || l.startsWith("rename") ? "meta" : l.startsWith("+") ? "add" : l.startsWith("-") ? "del" : "";
        return (
          <div key={i} className={cls}>
            {l || " "}
          </div>
        );
      })}
    </div>
  );
}
