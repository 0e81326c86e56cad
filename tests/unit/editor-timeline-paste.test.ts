import { describe, expect, it } from "vitest";
import { guessTimelineKind, parseTimelinePaste } from "../../lib/editor/timeline-paste";

describe("parseTimelinePaste", () => {
  it("reads plain lines, chat lines and dated lines with the incident's date", () => {
    const { rows, unread } = parseTimelinePaste(
      ["14:02 UTC paged on-call", "[14:05] alice: rolled back", "2026-03-14 14:07 mitigated by restart", "14:30 - all clear, error rate back to normal"].join("\n"),
      "2026-03-14",
    );
    expect(unread).toEqual([]);
    expect(rows).toEqual([
      { at: "2026-03-14T14:02Z", event: "paged on-call", kind: "detection" },
      { at: "2026-03-14T14:05Z", event: "alice: rolled back", kind: "mitigation" },
      { at: "2026-03-14T14:07Z", event: "mitigated by restart", kind: "mitigation" },
      { at: "2026-03-14T14:30Z", event: "all clear, error rate back to normal", kind: "resolution" },
    ]);
  });

  it("uses the base date of a full ISO time and keeps seconds", () => {
    const { rows } = parseTimelinePaste("[2026-03-15 09:01:30] bob: deployed v2.3 to eu-west", "2026-03-14T22:00:00Z");
    expect(rows).toEqual([{ at: "2026-03-15T09:01:30Z", event: "bob: deployed v2.3 to eu-west", kind: "trigger" }]);
  });

  it("rolls over to the next day when a log crosses midnight", () => {
    const { rows } = parseTimelinePaste("23:50 deploy started\n00:10 alert fired for 5xx", "2026-03-14");
    expect(rows.map((r) => r.at)).toEqual(["2026-03-14T23:50Z", "2026-03-15T00:10Z"]);
  });

  it("does not roll over for a slightly out-of-order line", () => {
    const { rows } = parseTimelinePaste("14:05 restarted workers\n14:01 noticed errors", "2026-03-14");
    expect(rows.map((r) => r.at)).toEqual(["2026-03-14T14:05Z", "2026-03-14T14:01Z"]);
  });

  it("converts written offsets and 12-hour times to UTC", () => {
    const { rows } = parseTimelinePaste("2:05 PM +02:00 failover to the replica\n11:40 pm checked again\n12:15 am note for later", "2026-03-14");
    expect(rows[0]).toEqual({ at: "2026-03-14T12:05Z", event: "failover to the replica", kind: "mitigation" });
    expect(rows.slice(1).map((r) => r.at)).toEqual(["2026-03-14T23:40Z", "2026-03-15T00:15Z"]);
  });

  it("reads times without a zone on the team's wall clock, and written zones as written", () => {
    const { rows } = parseTimelinePaste("14:02 paged on-call\n14:05 UTC rolled back\n14:09 +05:30 vendor confirmed\n23:50 deploy\n00:10 alert", "2026-03-14", "Europe/Berlin");
    expect(rows.map((r) => r.at)).toEqual(["2026-03-14T13:02Z", "2026-03-14T14:05Z", "2026-03-14T08:39Z", "2026-03-14T22:50Z", "2026-03-14T23:10Z"]);
  });

  it("crosses a DST change on the team's clock: before it winter time, after it summer time", () => {
    const { rows } = parseTimelinePaste("01:30 deploy\n03:30 alert", "2026-03-29", "Europe/Berlin");
    expect(rows.map((r) => r.at)).toEqual(["2026-03-29T00:30Z", "2026-03-29T01:30Z"]);
  });

  it("reports lines it cannot read with their line numbers, gluing none of them onto an event", () => {
    const paste = ["Incident chat export", "14:02 carol: looking at dashboards", "25:99 restarted the pool", "seeing 5xx on checkout", "14:10", "13:05 pm paged again", "14:12 dave: failover done"].join("\n");
    const { rows, unread } = parseTimelinePaste(paste, "2026-03-14");
    expect(rows).toEqual([
      { at: "2026-03-14T14:02Z", event: "carol: looking at dashboards", kind: "response" },
      { at: "2026-03-14T14:12Z", event: "dave: failover done", kind: "mitigation" },
    ]);
    expect(unread.map((u) => [u.line, u.text])).toEqual([
      [1, "Incident chat export"],
      [3, "25:99 restarted the pool"],
      [4, "seeing 5xx on checkout"],
      [5, "14:10"],
      [6, "13:05 pm paged again"],
    ]);
    expect(unread.map((u) => u.reason)).toEqual([
      expect.stringMatching(/^no time at the start/),
      "25:99 is not a time of day",
      expect.stringMatching(/^no time at the start/),
      "no event after the time",
      "13:05 pm is not a time of day",
    ]);
  });

  it("continues the event above with an indented line (a multi-line chat message)", () => {
    const { rows, unread } = parseTimelinePaste("14:02 carol: looking at dashboards\n    seeing 5xx on checkout\n", "2026-03-14");
    expect(unread).toEqual([]);
    expect(rows).toEqual([{ at: "2026-03-14T14:02Z", event: "carol: looking at dashboards seeing 5xx on checkout", kind: "response" }]);
  });

  it("does not take a word starting with Z or am for a zone or a meridiem", () => {
    const { rows } = parseTimelinePaste("14:02 Zookeeper leader lost\n14:03 amended the config", "2026-03-14");
    expect(rows.map((r) => [r.at, r.event])).toEqual([
      ["2026-03-14T14:02Z", "Zookeeper leader lost"],
      ["2026-03-14T14:03Z", "amended the config"],
    ]);
  });

  it("refuses a missing base date", () => {
    expect(() => parseTimelinePaste("14:02 x", "")).toThrow(/base date/);
  });
});

describe("guessTimelineKind", () => {
  it.each([
    ["PagerDuty paged the on-call", "detection"],
    ["alert fired: p99 latency", "detection"],
    ["rolled back release 41", "mitigation"],
    ["restarted the consumers", "mitigation"],
    ["failover to us-east-2", "mitigation"],
    ["recovered after the rollback", "resolution"],
    ["deployed config change to the flag service", "trigger"],
    ["escalated to the database team", "response"],
    ["coffee", "note"],
  ] as const)("%s → %s", (text, kind) => {
    expect(guessTimelineKind(text)).toBe(kind);
  });

  it("treats an unlabelled chat message as response", () => {
    expect(guessTimelineKind("anyone around?", true)).toBe("response");
  });
});
