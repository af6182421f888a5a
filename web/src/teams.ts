/** The Teams host: context (theme, locale), theme changes and the SSO token. Outside Teams (a
 * plain browser, the demo, tests) none of it is there, and the page carries on without.
 * TeamsJS is loaded only inside a frame: on load it fetches Microsoft's list of valid hosts. */

export type ThemeName = "light" | "dark" | "contrast";

export interface Host {
  inTeams: boolean;
  theme: ThemeName;
  locale: string;
  onThemeChange(handler: (theme: ThemeName) => void): void;
  token(): Promise<string | null>;
}

const INIT_TIMEOUT_MS = 5000;

/** Teams names its themes default, dark and contrast. */
export function themeFromTeams(name: string | undefined): ThemeName {
  if (name === "dark") return "dark";
  if (name === "contrast") return "contrast";
  return "light";
}

/** ``?theme=light|dark|contrast``, else the system's own preference. */
export function themeOutsideTeams(search: string, prefersDark: boolean,
  prefersContrast: boolean): ThemeName {
  const asked = new URLSearchParams(search).get("theme");
  if (asked === "light" || asked === "dark" || asked === "contrast") return asked;
  if (prefersContrast) return "contrast";
  return prefersDark ? "dark" : "light";
}

function framed(): boolean {
  try {
    return window.parent !== window || window.opener !== null;
  } catch {
    return true;  // a cross-origin parent: framed
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = window.setTimeout(() => reject(new Error("Teams did not answer")), ms);
    promise.then((value) => { window.clearTimeout(timer); resolve(value); },
      (error) => { window.clearTimeout(timer); reject(error); });
  });
}

function browserHost(): Host {
  const contrast = window.matchMedia("(forced-colors: active)").matches
    || window.matchMedia("(prefers-contrast: more)").matches;
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  return {
    inTeams: false,
    theme: themeOutsideTeams(window.location.search, dark.matches, contrast),
    locale: navigator.language || "en-US",
    onThemeChange(handler) {
      if (new URLSearchParams(window.location.search).has("theme")) return;
      dark.addEventListener("change", (event) => handler(event.matches ? "dark" : "light"));
    },
    token: async () => null,
  };
}

export async function connect(): Promise<Host> {
  if (!framed()) return browserHost();
  try {
    const { app, authentication } = await teamsJs();
    await withTimeout(app.initialize(), INIT_TIMEOUT_MS);
    const context = await app.getContext();
    return {
      inTeams: true,
      theme: themeFromTeams(context.app.theme),
      locale: context.app.locale || navigator.language || "en-US",
      onThemeChange(handler) {
        app.registerOnThemeChangeHandler((name) => handler(themeFromTeams(name)));
      },
      async token() {
        try {
          return await authentication.getAuthToken();
        } catch {
          return null;  // the API then answers 401 and the page says why
        }
      },
    };
  } catch {
    return browserHost();
  }
}

export function teamsJs(): Promise<typeof import("@microsoft/teams-js")> {
  return import("@microsoft/teams-js");
}
