import type { ReactNode } from "react";
import { SectionLink } from "./section-link";

type HeadingProps = React.ComponentProps<"h2">;

function textOf(node: ReactNode): string {
  if (typeof node === "string" || typeof node === "number") return String(node);
  if (Array.isArray(node)) return node.map(textOf).join("");
  if (node && typeof node === "object" && "props" in node) return textOf((node.props as { children?: ReactNode }).children);
  return "";
}

function withLink(Tag: "h2" | "h3") {
  return function Heading({ id, children, ...rest }: HeadingProps) {
    return (
      <Tag id={id} {...rest}>
        {children}
        {id && <SectionLink id={id} label={textOf(children) || id} />}
      </Tag>
    );
  };
}

/** Body headings with a copy-link anchor, for MdxContent's `headings`. */
export const linkedHeadings = { h2: withLink("h2"), h3: withLink("h3") };
