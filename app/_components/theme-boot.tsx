"use client";
import { useLayoutEffect } from "react";
import { startTheme } from "./theme";

/** Applies the colour theme where the inline theme script could not run (see startTheme); renders nothing. */
export function ThemeBoot() {
  useLayoutEffect(() => {
    if (!document.documentElement.hasAttribute("data-theme")) startTheme();
  }, []);
  return null;
}
