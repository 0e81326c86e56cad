import { describe, expect, it } from "vitest";
import { timelineLayout } from "@/app/_components/timeline-layout";

const h = (x: number) => Date.parse("2026-03-14T10:00:00Z") + x * 3_600_000;

describe("visual timeline layout", () => {
  it("keeps events of the first hour apart when resolution comes days later, and marks the break", () => {
    const times = [h(0), h(0.1), h(0.2), h(0.25), h(0.5), h(72)];
    const { positions, breaks } = timelineLayout(times);
    const sorted = [...positions].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(10);
    expect(positions[0]).toBe(0);
    expect(positions[5]).toBe(100);
    expect(breaks).toHaveLength(1);
  });

  it("separates events at the same minute and keeps input order", () => {
    const { positions } = timelineLayout([h(1), h(1), h(0)]);
    expect(positions[2]).toBe(0);
    expect(positions[0]!).toBeLessThan(positions[1]!);
  });
});
