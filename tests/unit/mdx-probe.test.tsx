import { test } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { compileMdx } from "@/lib/mdx/compile";
import { MdxContent } from "@/lib/mdx/render";
test("probe", () => {
  const body = `# Title

## Root cause {/* note */}

Text with a footnote[^1] and <kbd>Ctrl</kbd> and <Metric label="TTD" value="4 min" note="p50"/> and [ext](https://x.com) [rel](./a) [m](mailto:a@b.c) www.example.com.

<Callout type="warning" title="Heads up">
**bold** text
</Callout>

<Figure src="/img/a.png" caption="A graph" />

| a | b |
|:--|--:|
| 1 | 2 |

\`\`\`ts
const x = 1;
\`\`\`

- [x] done
- [ ] todo

<details open>
<summary>More</summary>

hidden

</details>

### Sub
## Root cause

[^1]: The note.
`;
  const c = compileMdx(body);
  console.log(JSON.stringify(c.problems), JSON.stringify(c.toc));
  console.log(renderToStaticMarkup(<MdxContent hast={c.hast} />));
});
