/** What to do when the knowledge base has no factor taxonomy (factors.yml), or one that cannot be read. */
export function TaxonomyMissing({ state, problems = [] }: { state: "missing" | "broken"; problems?: string[] }) {
  return (
    <section className="card taxonomy-missing" aria-labelledby="h-taxonomy-missing">
      <h2 id="h-taxonomy-missing">{state === "missing" ? "No contributing-factor taxonomy yet" : "The factor taxonomy could not be read"}</h2>
      {state === "missing" ? (
        <p>
          Factors are the shared vocabulary that lets Kaizen connect incidents: they live in <code>factors.yml</code> at the root of the content repository, and this
          one has none. To start from a general taxonomy (change management, observability, capacity, dependencies and more), run this where the content
          repository is, then edit it to fit your team:
        </p>
      ) : (
        <>
          <p>
            <code>factors.yml</code> has problems, so no factor can be shown or chosen until they are fixed:
          </p>
          <ul className="taxonomy-missing__problems">
            {problems.map((p) => (
              <li key={p}>
                <code>{p}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {state === "missing" && <pre className="taxonomy-missing__cmd">npm run kaizen -- init --content &lt;content repository&gt;</pre>}
      <p className="small muted">
        Each factor is an <code>id</code>, a <code>name</code>, a <code>category</code> and a <code>description</code>, with optional <code>aliases</code> (the words people write,
        used for suggestions). <code>kaizen lint</code> checks the file.
      </p>
    </section>
  );
}
