import { describe, expect, it } from "vitest";
import { SAVE_CONFLICT, SAVE_FAILED, SAVE_IDLE, SAVE_REFUSED, SAVE_SAVED, SAVE_SAVING, initialSaveState, isBusy, saveReducer } from "../../app/incidents/_editor/save-state";
import type { Problem } from "../../lib/schema/problems";

const problem = (field: string, message: string): Problem => ({ file: "incidents/new.mdx", line: 1, col: 1, field, message, severity: "error" });
const conflict = { currentText: "---\ntitle: theirs\n---\n", currentBlob: "b".repeat(40), message: "Saved by Bo Author" };

describe("the editor's save state machine", () => {
  it("starts idle, or in conflict when a pull left one", () => {
    expect(initialSaveState(null).phase).toBe(SAVE_IDLE);
    expect(initialSaveState(conflict)).toMatchObject({ phase: SAVE_CONFLICT, conflict });
  });

  it("is busy while saving and after the save, so a second click does nothing", () => {
    const saving = saveReducer(initialSaveState(null), { type: "start" });
    expect(saving.phase).toBe(SAVE_SAVING);
    expect(isBusy(saving)).toBe(true);
    expect(isBusy(saveReducer(saving, { type: "saved" }))).toBe(true);
    expect(saveReducer(saving, { type: "saved" }).phase).toBe(SAVE_SAVED);
  });

  it("a refused save keeps the server's problems and says how many, until the form changes", () => {
    const problems = [problem("countermeasures[0].owner", "required"), problem("countermeasures[0].due", "required")];
    const refused = saveReducer(saveReducer(initialSaveState(null), { type: "start" }), { type: "refused", problems });
    expect(refused).toMatchObject({ phase: SAVE_REFUSED, serverProblems: problems, error: "Not saved: 2 problems to fix (marked below)." });
    expect(isBusy(refused)).toBe(false);
    const edited = saveReducer(refused, { type: "edited" });
    expect(edited.serverProblems).toEqual([]);
    expect(saveReducer(edited, { type: "edited" })).toBe(edited);
    expect(saveReducer(refused, { type: "refused", problems: problems.slice(0, 1) }).error).toBe("Not saved: 1 problem to fix (marked below).");
  });

  it("a new save clears the last message; a failure shows its own", () => {
    const failed = saveReducer(saveReducer(initialSaveState(null), { type: "start" }), { type: "failed", message: "The server could not be reached." });
    expect(failed).toMatchObject({ phase: SAVE_FAILED, error: "The server could not be reached." });
    expect(saveReducer(failed, { type: "start" }).error).toBeNull();
  });

  it("a conflict stays open until the author takes a way out of it", () => {
    const c = saveReducer(saveReducer(initialSaveState(null), { type: "start" }), { type: "conflict", conflict });
    expect(c).toMatchObject({ phase: SAVE_CONFLICT, conflict });
    expect(saveReducer(c, { type: "edited" }).conflict).toBe(conflict);
    expect(saveReducer(c, { type: "conflict-closed" })).toMatchObject({ phase: SAVE_IDLE, conflict: null });
  });
});
