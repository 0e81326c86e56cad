import { describe, expect, it } from "vitest";
import { formatDuration, incidentMetrics, median } from "../../lib/knowledge/metrics";

const MIN = 60_000;
const HOUR = 60 * MIN;

describe("incidentMetrics", () => {
  it("measures detect, mitigate and resolve from the start", () => {
    expect(
      incidentMetrics({
        started_at: "2025-03-04T10:00:00Z",
        detected_at: "2025-03-04T10:12:00Z",
        mitigated_at: "2025-03-04T11:00:00Z",
        resolved_at: "2025-03-05T10:00:00Z",
      }),
    ).toEqual({ timeToDetect: 12 * MIN, timeToMitigate: HOUR, timeToResolve: 24 * HOUR });
  });

  it("handles time zone offsets", () => {
    const m = incidentMetrics({ started_at: "2025-03-04T10:00:00Z", detected_at: "2025-03-04T12:30:00+02:00" });
    expect(m.timeToDetect).toBe(30 * MIN);
  });

  it("gives null for any missing time", () => {
    expect(incidentMetrics({})).toEqual({ timeToDetect: null, timeToMitigate: null, timeToResolve: null });
    expect(incidentMetrics({ detected_at: "2025-03-04T10:12:00Z", resolved_at: "2025-03-04T11:00:00Z" })).toEqual({
      timeToDetect: null,
      timeToMitigate: null,
      timeToResolve: null,
    });
    expect(incidentMetrics({ started_at: "2025-03-04T10:00:00Z", resolved_at: "2025-03-04T11:00:00Z" })).toEqual({
      timeToDetect: null,
      timeToMitigate: null,
      timeToResolve: HOUR,
    });
  });

  it("gives null rather than a negative or invalid duration", () => {
    const m = incidentMetrics({ started_at: "2025-03-04T10:00:00Z", detected_at: "2025-03-04T09:00:00Z", resolved_at: "not a date" });
    expect(m.timeToDetect).toBeNull();
    expect(m.timeToResolve).toBeNull();
  });

  it("gives zero for detection at the start", () => {
    expect(incidentMetrics({ started_at: "2025-03-04T10:00:00Z", detected_at: "2025-03-04T10:00:00Z" }).timeToDetect).toBe(0);
  });
});

describe("formatDuration", () => {
  it.each<[number | null, string]>([
    [null, "—"],
    [0, "0 s"],
    [20_000, "20 s"],
    [29_999, "30 s"],
    [45 * MIN, "45 min"],
    [59 * MIN + 29_000, "59 min"],
    [HOUR, "1 h"],
    [3 * HOUR + 20 * MIN, "3 h 20 min"],
    [47 * HOUR + 59 * MIN, "47 h 59 min"],
    [48 * HOUR, "2 d"],
    [52 * HOUR + 10 * MIN, "2 d 4 h"],
    [10 * 24 * HOUR, "10 d"],
  ])("%s ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("never prints a negative number", () => {
    expect(formatDuration(-5_000)).toBe("0 s");
  });
});

describe("median", () => {
  it("is null for no values", () => {
    expect(median([])).toBeNull();
  });

  it("takes the middle of an odd count and the mean of the two middles of an even count", () => {
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("does not reorder its input", () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it("sorts numerically, not as text", () => {
    expect(median([10, 9, 100])).toBe(10);
  });
});
