const ALLOWED_SCHEMES = new Set(["http", "https", "mailto"]);

/**
 * Browsers drop ASCII whitespace and control characters inside a URL's scheme (`java\tscript:` runs as
 * `javascript:`), so the check strips all of them, anywhere, before reading the scheme.
 */
function normalize(url: string): string {
  return url.replace(/[\u0000-\u0020\u007f]/g, "").toLowerCase();
}

/** The URL's scheme (lowercase, without `:`), or null for a relative URL (`/x`, `#x`, `./x`, `x.png`, `//host`). */
export function urlScheme(url: string): string | null {
  const match = /^([a-z][a-z0-9+.-]*):/.exec(normalize(url));
  return match?.[1] ?? null;
}

/** True for http:, https:, mailto: and relative URLs; everything else (javascript:, data:, vbscript:, …) is refused. */
export function isSafeUrl(url: string): boolean {
  const scheme = urlScheme(url);
  return scheme === null || ALLOWED_SCHEMES.has(scheme);
}

/** True for absolute http(s) URLs (including protocol-relative `//host`), which get `rel="noopener noreferrer"`. */
export function isExternalUrl(url: string): boolean {
  const scheme = urlScheme(url);
  // Browsers read `\` as `/` in http URLs, so `/\host` is protocol-relative too.
  return scheme === "http" || scheme === "https" || /^[\\/]{2}/.test(normalize(url));
}
