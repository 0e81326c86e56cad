"use client";

import type { Problem } from "@/lib/schema/problems";
import type { Conflict } from "./conflict-view";

/** Where a save stands. Named so the editor's branches read as the states they are. */
export const SAVE_IDLE = "idle";
export const SAVE_SAVING = "saving";
/** Committed: the page is leaving for the incident, so the button stays busy. */
export const SAVE_SAVED = "saved";
/** The server refused the text: its problems are marked on the form. */
export const SAVE_REFUSED = "refused";
/** Someone else saved first: the conflict view is open. */
export const SAVE_CONFLICT = "conflict";
/** Anything else that went wrong (network, permissions): its message is shown. */
export const SAVE_FAILED = "failed";

export type SavePhase = typeof SAVE_IDLE | typeof SAVE_SAVING | typeof SAVE_SAVED | typeof SAVE_REFUSED | typeof SAVE_CONFLICT | typeof SAVE_FAILED;

export interface SaveState {
  phase: SavePhase;
  /** The problems of the last refused save, until the form changes (the editor's own check covers them then). */
  serverProblems: Problem[];
  error: string | null;
  conflict: Conflict | null;
}

export type SaveAction =
  | { type: "start" }
  | { type: "saved" }
  | { type: "refused"; problems: Problem[] }
  | { type: "conflict"; conflict: Conflict }
  | { type: "failed"; message: string }
  | { type: "edited" }
  | { type: "conflict-closed" };

export function initialSaveState(conflict: Conflict | null): SaveState {
  return { phase: conflict ? SAVE_CONFLICT : SAVE_IDLE, serverProblems: [], error: null, conflict };
}

/** True while a save is on its way or done (the button is disabled and says "Saving…"). */
export const isBusy = (s: SaveState) => s.phase === SAVE_SAVING || s.phase === SAVE_SAVED;

/** The save state machine: start → saved | refused | conflict | failed; editing clears the server's problems. */
export function saveReducer(state: SaveState, action: SaveAction): SaveState {
  switch (action.type) {
    case "start":
      return { ...state, phase: SAVE_SAVING, error: null };
    case "saved":
      return { ...state, phase: SAVE_SAVED };
    case "refused": {
      const n = action.problems.length;
      return { ...state, phase: SAVE_REFUSED, serverProblems: action.problems, error: `Not saved: ${n} problem${n === 1 ? "" : "s"} to fix (marked below).` };
    }
    case "conflict":
      return { ...state, phase: SAVE_CONFLICT, conflict: action.conflict };
    case "failed":
      return { ...state, phase: SAVE_FAILED, error: action.message };
    case "edited":
      return state.serverProblems.length ? { ...state, serverProblems: [] } : state;
    case "conflict-closed":
      return { ...state, phase: state.phase === SAVE_CONFLICT ? SAVE_IDLE : state.phase, conflict: null };
  }
}
