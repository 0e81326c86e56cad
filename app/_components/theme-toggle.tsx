"use client";
import { useSyncExternalStore } from "react";
import { currentThemePref, setThemePref, THEME_CHANGED_EVENT, THEME_PREFS, type ThemePref } from "./theme";

const LABEL: Record<ThemePref, string> = { system: "System", light: "Light", dark: "Dark" };

function Icon({ pref }: { pref: ThemePref }) {
  const common = { width: 15, height: 15, viewBox: "0 0 24 24", fill: "none", stroke: "currentColor", strokeWidth: 2, strokeLinecap: "round" as const, strokeLinejoin: "round" as const, "aria-hidden": true };
  if (pref === "light")
    return (
      <svg {...common}>
        <circle cx="12" cy="12" r="4" />
        <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
      </svg>
    );
  if (pref === "dark")
    return (
      <svg {...common}>
        <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z" />
      </svg>
    );
  return (
    <svg {...common}>
      <rect x="3" y="4" width="18" height="12" rx="2" />
      <path d="M8 20h8M12 16v4" />
    </svg>
  );
}

const CHANGED = THEME_CHANGED_EVENT;
function subscribe(onChange: () => void): () => void {
  window.addEventListener(CHANGED, onChange);
  window.addEventListener("storage", onChange);
  return () => {
    window.removeEventListener(CHANGED, onChange);
    window.removeEventListener("storage", onChange);
  };
}

/** System / light / dark, as three pressed-or-not buttons; the choice is remembered in this browser. */
export function ThemeToggle() {
  // The server cannot know the choice: it renders "system" and the real value is read on hydration.
  const pref = useSyncExternalStore(subscribe, currentThemePref, () => "system" as const);
  return (
    <div className="theme-toggle" role="group" aria-label="Colour theme">
      {THEME_PREFS.map((p) => (
        <button
          key={p}
          type="button"
          className="theme-toggle__btn"
          aria-pressed={pref === p}
          title={`${LABEL[p]} theme`}
          onClick={() => {
            setThemePref(p);
            window.dispatchEvent(new Event(CHANGED));
          }}
        >
          <Icon pref={p} />
          <span className="theme-toggle__label">{LABEL[p]}</span>
        </button>
      ))}
    </div>
  );
}
