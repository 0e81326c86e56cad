// Shown while this page's data loads (a cold start parses the knowledge base): a skeleton in the page's shape. Only on
// pages that never answer 404: a loading boundary streams the response, so a later notFound() would come with 200.
export default function Loading() {
  return (
    <main id="main" className="loading-page" aria-busy="true">
      <span className="visually-hidden" role="status">
        Loading…
      </span>
      <div className="skeleton skeleton--title" />
      <div className="skeleton skeleton--line" />
      <div className="skeleton-grid">
        <div className="skeleton skeleton--card" />
        <div className="skeleton skeleton--card" />
        <div className="skeleton skeleton--card" />
      </div>
      <div className="skeleton skeleton--block" />
    </main>
  );
}
