// The colour theme: "system" follows prefers-color-scheme; "light" and "dark" are a person's choice, kept in this
// browser's localStorage. <html data-theme> always holds the resolved scheme (the CSS reads only that) and
// data-theme-pref the choice (the toggle shows it).

export const THEME_STORAGE_KEY = "kaizen-theme";
export const THEME_PREFS = ["system", "light", "dark"] as const;
export type ThemePref = (typeof THEME_PREFS)[number];

/**
 * Runs inline in <head> before the first paint, so a dark page never flashes light. A constant (no user data), sent
 * with the request's CSP nonce. It also keeps "system" in step when the system's setting changes while a page is open,
 * and prints in the light scheme (paper is white).
 */
export const THEME_SCRIPT = `(function(){var d=document.documentElement,k=${JSON.stringify(THEME_STORAGE_KEY)},m=window.matchMedia("(prefers-color-scheme: dark)");function a(){var p="system";try{p=localStorage.getItem(k)||"system"}catch(e){}if(p!=="light"&&p!=="dark")p="system";d.setAttribute("data-theme-pref",p);d.setAttribute("data-theme",p==="dark"||(p==="system"&&m.matches)?"dark":"light")}a();m.addEventListener("change",a);window.addEventListener("beforeprint",function(){d.setAttribute("data-theme","light")});window.addEventListener("afterprint",a);window.addEventListener("storage",function(e){if(e.key===k)a()})})();`;

/** The choice shown on <html>, as the inline script left it. */
export function currentThemePref(): ThemePref {
  const p = document.documentElement.getAttribute("data-theme-pref");
  return p === "light" || p === "dark" ? p : "system";
}

/** Fired on window when the choice shown on <html> changes (the toggle listens). */
export const THEME_CHANGED_EVENT = "kaizen-theme-change";

function storedThemePref(): ThemePref {
  try {
    const p = localStorage.getItem(THEME_STORAGE_KEY);
    return p === "light" || p === "dark" ? p : "system";
  } catch {
    return "system";
  }
}

/** Shows a choice on <html> (the same resolution as the inline script). */
function applyThemePref(pref: ThemePref): void {
  const dark = pref === "dark" || (pref === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  const root = document.documentElement;
  root.setAttribute("data-theme-pref", pref);
  root.setAttribute("data-theme", dark ? "dark" : "light");
}

/** Saves a choice and applies it at once. */
export function setThemePref(pref: ThemePref): void {
  try {
    if (pref === "system") localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, pref);
  } catch {
    // Storage can be unavailable (private modes, policies): the choice then lasts for this page only.
  }
  applyThemePref(pref);
}

/**
 * What THEME_SCRIPT does, for a page where it did not run: when a page's render fails before its HTML shell is sent
 * (notFound() in a page, an error), Next sends an error shell and React renders the page in the browser, where an
 * inline script inserted by React never executes. The string stays hand-written: its text must not depend on a bundler.
 */
export function startTheme(): void {
  const apply = () => {
    applyThemePref(storedThemePref());
    window.dispatchEvent(new Event(THEME_CHANGED_EVENT));
  };
  apply();
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", apply);
  window.addEventListener("storage", (e) => {
    if (e.key === THEME_STORAGE_KEY) apply();
  });
  window.addEventListener("beforeprint", () => document.documentElement.setAttribute("data-theme", "light"));
  window.addEventListener("afterprint", apply);
}
