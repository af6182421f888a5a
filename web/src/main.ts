/** The managers' desk tab: connect to Teams (or not), follow its theme, start the desk. */
import "../styles.css";
import { DeskApi } from "./api";
import { Desk } from "./desk";
import { Clock } from "./format";
import { connect } from "./teams";
import { applyTheme } from "./theme";

async function start(): Promise<void> {
  const host = await connect();
  applyTheme(host.theme);
  host.onThemeChange(applyTheme);
  const lang = host.locale.split("-")[0];
  if (lang) document.documentElement.lang = host.locale;
  const desk = new Desk(new DeskApi(() => host.token()), new Clock(host.locale),
    document.getElementById("main")!, document.getElementById("banner")!,
    document.getElementById("announcer")!, host.inTeams);
  desk.start();
}

void start();
