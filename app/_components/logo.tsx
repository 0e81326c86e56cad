/** The Kaizen mark: an upward step, drawn as SVG so it needs no font. */
export function LogoMark() {
  return (
    <span className="brand__mark" aria-hidden="true">
      <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round">
        <path d="M3 18h5v-5h5V8h5V4" />
        <path d="M15 4h3v3" />
      </svg>
    </span>
  );
}
