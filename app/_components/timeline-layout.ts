/** Gaps longer than this share of the whole span are drawn short and marked as a break in the axis. */
const BREAK_SHARE = 0.25;

/**
 * Where each event sits on the visual timeline, in percent (input order), and where the axis is broken. Long quiet
 * gaps (resolution days after the start) are collapsed, and half of each position comes from the event's rank, so
 * every event stays at least 50 / (n − 1) % from its neighbours whatever the times.
 */
export function timelineLayout(times: readonly number[]): { positions: number[]; breaks: number[] } {
  const n = times.length;
  if (n <= 1) return { positions: times.map(() => 0), breaks: [] };
  const order = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i);
  const span = Math.max(1, (order[n - 1]?.t ?? 0) - (order[0]?.t ?? 0));
  const gaps = order.slice(1).map((x, k) => x.t - (order[k]?.t ?? x.t));
  const short = gaps.filter((g) => g <= BREAK_SHARE * span);
  const collapsed = Math.max(1, short.length ? Math.max(...short) : span / n);
  const drawn = gaps.map((g) => (g > BREAK_SHARE * span ? collapsed : g));
  const total = Math.max(1, drawn.reduce((a, b) => a + b, 0));
  const positions = new Array<number>(n).fill(0);
  const breaks: number[] = [];
  let at = 0;
  order.forEach((x, k) => {
    if (k > 0) at += drawn[k - 1] ?? 0;
    const pos = 50 * (at / total) + 50 * (k / (n - 1));
    positions[x.i] = pos;
    if (k > 0 && (gaps[k - 1] ?? 0) > BREAK_SHARE * span) breaks.push(((positions[order[k - 1]!.i] ?? 0) + pos) / 2);
  });
  return { positions, breaks };
}
