/** The configurable tab's set-up page: Save puts the desk (/tabs/queue) in the channel. */
import "../styles.css";
import { connect, teamsJs } from "./teams";
import { applyTheme } from "./theme";

async function start(): Promise<void> {
  const host = await connect();
  applyTheme(host.theme);
  host.onThemeChange(applyTheme);
  const status = document.getElementById("config-status")!;
  if (!host.inTeams) {
    status.textContent = "Open this page from Teams (Add a tab, FTA Assign) to add the desk to "
      + "a channel.";
    return;
  }
  const { app, pages } = await teamsJs();
  const contentUrl = new URL("/tabs/queue", window.location.href).toString();
  pages.config.registerOnSaveHandler((save) => {
    pages.config.setConfig({
      entityId: "fta-desk", suggestedDisplayName: "FTA desk", contentUrl, websiteUrl: contentUrl,
    }).then(() => save.notifySuccess(), (error: unknown) => save.notifyFailure(String(error)));
  });
  pages.config.setValidityState(true);
  app.notifySuccess();
  status.textContent = "Press Save to add the desk to this channel.";
}

void start();
