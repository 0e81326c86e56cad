import type { ComponentProps, ReactElement, ReactNode } from "react";
import { ALLOWED_COMPONENTS, CALLOUT_TYPES, type CalloutType } from "./allowlist";
import { isExternalUrl, isSafeUrl } from "./url";

// Pure presentational components: no hooks, no "use client", no server imports, so server pages and the client-side
// editor preview render the same markup. Props come from a document, so each component checks them again rather
// than trusting the validator.

export { ALLOWED_COMPONENTS };

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

const CALLOUT_LABELS: Record<CalloutType, string> = {
  info: "Note",
  warning: "Warning",
  danger: "Danger",
  success: "Success",
};

export interface CalloutProps {
  type?: CalloutType | string;
  title?: string;
  children?: ReactNode;
}

/** A highlighted aside; an unknown `type` falls back to `info`. */
export function Callout({ type, title, children }: CalloutProps): ReactElement {
  const kind: CalloutType = (CALLOUT_TYPES as readonly unknown[]).includes(type) ? (type as CalloutType) : "info";
  return (
    <aside className={`mdx-callout mdx-callout--${kind}`} role="note">
      <p className="mdx-callout__title">{text(title) ?? CALLOUT_LABELS[kind]}</p>
      <div className="mdx-callout__body">{children}</div>
    </aside>
  );
}

export interface MetricProps {
  label?: string;
  value?: string;
  note?: string;
}

/** A labelled number. Only spans, so it is valid both on its own line and inside a sentence. */
export function Metric({ label, value, note }: MetricProps): ReactElement {
  const noteText = text(note);
  return (
    <span className="mdx-metric">
      <span className="mdx-metric__label">{text(label) ?? "Metric"}</span>{" "}
      <strong className="mdx-metric__value">{text(value) ?? "–"}</strong>
      {noteText ? <span className="mdx-metric__note"> ({noteText})</span> : null}
    </span>
  );
}

export interface FigureProps {
  src?: string;
  alt?: string;
  caption?: string;
}

/** An image with a caption; an unsafe or missing `src` renders the caption alone. */
export function Figure({ src, alt, caption }: FigureProps): ReactElement {
  const url = text(src);
  const captionText = text(caption);
  return (
    <figure className="mdx-figure">
      {/* next/image needs every remote host configured; document images are arbitrary URLs. */}
      {/* eslint-disable-next-line @next/next/no-img-element */}
      {url && isSafeUrl(url) ? <img className="mdx-figure__image" src={url} alt={text(alt) ?? captionText ?? ""} loading="lazy" /> : null}
      {captionText ? <figcaption className="mdx-figure__caption">{captionText}</figcaption> : null}
    </figure>
  );
}

/** Text kept out of the public version: shown internally as a marked block, so authors see what a public reader will not. */
export function Internal({ children }: { children?: ReactNode }): ReactElement {
  return (
    <section className="mdx-internal" aria-label="Internal only">
      <p className="mdx-internal__label">Internal · not in the public version</p>
      <div className="mdx-internal__body">{children}</div>
    </section>
  );
}

/** Markdown links: unsafe URLs lose their href; absolute http(s) links get `rel="noopener noreferrer"`. */
export function MdxLink({ href, children, ...rest }: ComponentProps<"a">): ReactElement {
  if (typeof href !== "string" || !isSafeUrl(href)) {
    return <span className="mdx-link--blocked">{children}</span>;
  }
  return (
    <a {...rest} href={href} rel={isExternalUrl(href) ? "noopener noreferrer" : undefined}>
      {children}
    </a>
  );
}

/** Markdown images: an unsafe URL renders nothing but the alt text. */
export function MdxImage({ src, alt, ...rest }: ComponentProps<"img">): ReactElement {
  if (typeof src !== "string" || src === "" || !isSafeUrl(src)) {
    return <span className="mdx-image--blocked">{alt ?? ""}</span>;
  }
  // eslint-disable-next-line @next/next/no-img-element
  return <img {...rest} src={src} alt={alt ?? ""} loading="lazy" />;
}

export const mdxComponents = { Callout, Metric, Figure, Internal };
