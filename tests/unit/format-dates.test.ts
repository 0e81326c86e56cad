import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatTime, zoneName } from "../../lib/knowledge/dates";
import { facetValueLabel } from "../../app/search/facet-labels";

describe("date display: one format, in the organization's zone, named", () => {
  it("writes dates as '14 Mar 2026' whatever the input form", () => {
    expect(formatDate("2026-03-14", "UTC")).toBe("14 Mar 2026");
    expect(formatDate("2026-03-14T10:05:00Z", "UTC")).toBe("14 Mar 2026");
    expect(formatDate(undefined)).toBe("—");
    // Every month in three letters, September too (British English data says "Sept").
    expect(formatDate("2026-09-16", "UTC")).toBe("16 Sep 2026");
    expect(formatDateTime("2026-09-16T10:05:00Z", "UTC")).toBe("16 Sep 2026, 10:05 UTC");
    expect(formatDate("not a date", "UTC")).toBe("not a date");
  });

  it("shows a date-time in UTC with the zone named by default", () => {
    expect(formatDateTime("2026-03-14T10:05:00Z", "UTC")).toBe("14 Mar 2026, 10:05 UTC");
  });

  it("shows a date-time in a configured zone, with its abbreviation, across daylight saving time", () => {
    expect(formatDateTime("2026-03-14T10:05:00Z", "Europe/Berlin")).toBe("14 Mar 2026, 11:05 CET");
    expect(formatDateTime("2026-07-14T10:05:00Z", "Europe/Berlin")).toBe("14 Jul 2026, 12:05 CEST");
    expect(formatDateTime("2026-03-14T10:05:00Z", "America/New_York")).toBe("14 Mar 2026, 06:05 EDT");
    expect(formatDateTime("2026-03-14T10:05:00Z", "Asia/Kolkata")).toBe("14 Mar 2026, 15:35 GMT+5:30");
    expect(formatTime("2026-03-14T10:05:00Z", "Europe/Berlin")).toBe("11:05");
    expect(zoneName(Date.parse("2026-01-01T00:00:00Z"), "Europe/London")).toBe("GMT");
  });

  it("puts a date-time on its calendar day in the zone, and leaves calendar dates alone", () => {
    // 23:30 UTC on the 14th is already the 15th in Berlin; a due date stays the date it says.
    expect(formatDate("2026-03-14T23:30:00Z", "Europe/Berlin")).toBe("15 Mar 2026");
    expect(formatDate("2026-03-14", "Pacific/Kiritimati")).toBe("14 Mar 2026");
    expect(formatDateTime("2026-03-14", "Europe/Berlin")).toBe("14 Mar 2026");
  });

  it("takes KAIZEN_TIME_ZONE when no zone is given", () => {
    const prev = process.env.KAIZEN_TIME_ZONE;
    process.env.KAIZEN_TIME_ZONE = "Europe/Paris";
    try {
      expect(formatDateTime("2026-03-14T10:05:00Z")).toBe("14 Mar 2026, 11:05 CET");
    } finally {
      if (prev === undefined) delete process.env.KAIZEN_TIME_ZONE;
      else process.env.KAIZEN_TIME_ZONE = prev;
    }
  });
});

describe("search facet labels", () => {
  it("are written as the rest of the product writes them", () => {
    expect(facetValueLabel("status", "in-review", {})).toBe("In review");
    expect(facetValueLabel("kind", "near-miss", {})).toBe("Near miss");
    expect(facetValueLabel("factor", "missing-alert", { "missing-alert": "Missing alert" })).toBe("Missing alert");
    expect(facetValueLabel("service", "checkout-api", {})).toBe("checkout-api");
  });
});
