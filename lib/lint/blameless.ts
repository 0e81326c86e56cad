/**
 * Blameless-language check: finds phrases that assign blame to people or rest on hindsight, with a short explanation
 * and a suggested reframing. Hints only; nothing is ever blocked on them.
 */
export interface BlamelessHint {
  line: number;
  col: number;
  length: number;
  phrase: string;
  kind: "human-error" | "hindsight" | "failure-of-person" | "judgement" | "forgetting" | "person-as-cause";
  message: string;
  suggestion: string;
}

interface Rule {
  kind: BlamelessHint["kind"];
  re: RegExp;
  message: string;
  suggestion: string;
  /** A match that only looks like this rule (e.g. "caused by Kafka": a product, not a person). */
  ignore?: (m: RegExpMatchArray) => boolean;
}

// Capitalized words after "caused by" that name things, not people: products and tools often found in post-mortems,
// days and months. A person-as-cause hit is only a hint, so a short list that removes the common false alarms is enough.
const NOT_PEOPLE = new Set(
  (
    "kafka postgres redis kubernetes docker linux java python node terraform ansible jenkins nginx envoy istio consul " +
    "vault elasticsearch cassandra mongo memcached rabbitmq zookeeper celery sidekiq helm spark hadoop flink airflow " +
    "prometheus grafana datadog kibana splunk sentry pagerduty slack jira github gitlab bitbucket cloudflare akamai fastly " +
    "amazon google microsoft azure oracle apple android chrome firefox safari windows ubuntu debian vercel heroku stripe " +
    "okta auth0 twilio openssl go rust ruby rails django spring tomcat varnish haproxy traefik ceph etcd vitess " +
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august " +
    "september october november december christmas easter"
  ).split(" "),
);

const RULES: Rule[] = [
  {
    kind: "human-error",
    re: /\b(human|operator|user|engineer|manual) errors?\b/gi,
    message: "\"Human error\" ends the inquiry where it should start.",
    suggestion: "Describe what made the action reasonable at the time and what let it have this effect (tooling, defaults, missing guard rails).",
  },
  {
    kind: "hindsight",
    re: /\b(should|could|would|ought to) (have|'ve)\b|\bshould've\b|\bcould've\b/gi,
    message: "Hindsight: it judges past decisions with knowledge that was not available then.",
    suggestion: "Describe what was known and expected at the time, e.g. \"the runbook did not mention…\" or \"nothing signalled that…\".",
  },
  {
    kind: "failure-of-person",
    re: /\b(failed|neglected|omitted|didn'?t bother) to\b/gi,
    message: "\"Failed to\" frames the event as someone's failure.",
    suggestion: "State what happened neutrally: \"the check did not run\", \"the step was not part of the procedure\".",
  },
  {
    kind: "judgement",
    re: /\b(careless(ly|ness)?|negligen(t|ce|tly)|sloppy|lazy|incompeten(t|ce)|reckless(ly)?|stupid|dumb|inattentive)\b/gi,
    message: "A judgement of a person, not a description of the system.",
    suggestion: "Describe the conditions: workload, time pressure, ambiguous signals, missing safeguards.",
  },
  {
    kind: "forgetting",
    re: /\b(forgot|forgotten|forgetting) to\b|\bforgot\b/gi,
    message: "\"Forgot to\" puts the cause in someone's memory instead of in the process.",
    suggestion: "Describe which step relied on memory and what could make it hard to miss (checklist, automation, a default).",
  },
  {
    kind: "person-as-cause",
    re: /\b(?:caused by|fault of|blame[sd]? (?:on)?|mistake (?:by|of)|error (?:by|of)|because of)\s+(?!the\b|a\b|an\b)([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\b(?![\w-]*(?:\s+(?:service|cluster|api|db|server|node|job|queue|team|deploy|config|outage|bug|issue|incident|release)))|\b([A-Z][a-z]+)'s (?:mistake|error|fault|negligence)\b/g,
    message: "A named person as the cause: incidents have contributing factors, not culprits.",
    suggestion: "Describe the action and the conditions around it without naming who, e.g. \"a configuration change was applied to…\".",
    ignore: (m) => (m[1] ?? m[2] ?? "").split(/\s+/).some((w) => NOT_PEOPLE.has(w.toLowerCase())),
  },
];

/**
 * Blanks out spans that are not the author's own voice (code, quoted text) while keeping line and column positions.
 * Line by line and linear: the regexes this replaces (`^\s*` across blank lines, a lazy scan to the end for every
 * unclosed fence) were quadratic, so a body of blank lines or of ``` lines froze the editor and the lint command.
 */
function maskNonProse(text: string, maskQuotes: boolean): string {
  const lines = text.split("\n");
  maskFences(lines);
  if (!maskQuotes) return lines.join("\n");
  return lines
    .map((line) => {
      if (line.trimStart().startsWith(">")) return " ".repeat(line.length);
      return line.replace(/`[^`\n]*`/g, (m) => " ".repeat(m.length)).replace(/"[^"\n]*"|“[^”\n]*”/g, (m) => " ".repeat(m.length));
    })
    .join("\n");
}

/** Masks each ``` or ~~~ block from its opening to its closing line; an unclosed fence masks nothing. */
function maskFences(lines: string[]): void {
  const marker = (line: string) => {
    const t = line.trimStart();
    return t.startsWith("```") ? "```" : t.startsWith("~~~") ? "~~~" : null;
  };
  let from = 0;
  // After an unclosed fence no line opens with its marker, so this restarts at most once per marker kind.
  while (from < lines.length) {
    let open = -1;
    let kind: string | null = null;
    let i = from;
    for (; i < lines.length; i++) {
      const m = marker(lines[i] ?? "");
      if (open === -1) {
        if (m) [open, kind] = [i, m];
      } else if (m === kind) {
        for (let k = open; k <= i; k++) lines[k] = " ".repeat((lines[k] ?? "").length);
        open = -1;
      }
    }
    if (open === -1) return;
    from = open + 1;
  }
}

/** Hints for a piece of prose; `firstLine` is the line number of its first line in the file. */
export function lintBlameless(text: string, firstLine = 1, opts: { maskQuotes?: boolean } = {}): BlamelessHint[] {
  const masked = maskNonProse(text, opts.maskQuotes !== false);
  const lineStarts = [0];
  for (let i = 0; i < masked.length; i++) if (masked[i] === "\n") lineStarts.push(i + 1);
  const locate = (index: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: firstLine + lo, col: index - (lineStarts[lo] ?? 0) + 1 };
  };
  const hints: BlamelessHint[] = [];
  const taken = new Set<number>();
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    for (const m of masked.matchAll(rule.re)) {
      const index = m.index ?? 0;
      if (taken.has(index) || rule.ignore?.(m)) continue;
      taken.add(index);
      hints.push({ ...locate(index), length: m[0].length, phrase: m[0], kind: rule.kind, message: rule.message, suggestion: rule.suggestion });
    }
  }
  return hints.sort((a, b) => a.line - b.line || a.col - b.col);
}
