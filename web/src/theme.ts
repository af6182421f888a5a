/** Fluent's Teams themes as design tokens (CSS custom properties), and the Fluent components
 * the page uses. */
import { teamsDarkTheme, teamsHighContrastTheme, teamsLightTheme } from "@fluentui/tokens";
import { setTheme } from "@fluentui/web-components/theme/set-theme.js";
import "@fluentui/web-components/button.js";
import type { ThemeName } from "./teams";

const THEMES = { light: teamsLightTheme, dark: teamsDarkTheme, contrast: teamsHighContrastTheme };

export function applyTheme(name: ThemeName): void {
  setTheme(THEMES[name] as unknown as Record<string, string | number>);
  document.documentElement.dataset.theme = name;
  document.documentElement.style.colorScheme = name === "light" ? "light" : "dark";
}
