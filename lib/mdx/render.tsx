import type { Root } from "hast";
import { toJsxRuntime, type Components } from "hast-util-to-jsx-runtime";
import type { ReactElement } from "react";
import { Fragment, jsx, jsxs } from "react/jsx-runtime";
import { MdxImage, MdxLink, mdxComponents } from "./components";

// Our own tag names are not in JSX.IntrinsicElements, so the library's Components type does not list them.
const components = { ...mdxComponents, a: MdxLink, img: MdxImage } as Partial<Components>;

/**
 * Renders compiled (sanitized) hast with the allowlisted components. Pure: usable on the server and in the editor
 * preview. `headings` lets a page decorate h2/h3 (the incident page adds a copy-link anchor); it never sees raw content.
 */
export function MdxContent({ hast, headings }: { hast: Root; headings?: Pick<Components, "h2" | "h3"> }): ReactElement {
  return <div className="mdx-content">{toJsxRuntime(hast, { Fragment, jsx, jsxs, components: headings ? { ...components, ...headings } : components })}</div>;
}
