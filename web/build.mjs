// Builds the managers' desk tab into web/dist: hashed, minified bundles under dist/assets and
// the two pages (queue.html, config.html) pointing at them. `npm run build:web` runs it.
import { build } from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const assets = join(dist, "assets");
const PUBLIC_PATH = "/tabs/assets/";
const PAGES = { queue: "src/main.ts", config: "src/config.ts" };

await rm(dist, { recursive: true, force: true });
await mkdir(assets, { recursive: true });
const result = await build({
  absWorkingDir: here,
  entryPoints: Object.values(PAGES),
  bundle: true,
  splitting: true,
  format: "esm",
  target: ["chrome109", "edge109", "firefox115", "safari16"],
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  entryNames: "[name]-[hash]",
  chunkNames: "chunk-[hash]",
  assetNames: "[name]-[hash]",
  outdir: assets,
  metafile: true,
  logLevel: "warning",
});

/** The hashed script and stylesheet an entry point became. */
function outputsOf(entry) {
  const found = { js: null, css: null };
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    if (output.entryPoint !== entry) continue;
    found.js = PUBLIC_PATH + basename(path);
    if (output.cssBundle) found.css = PUBLIC_PATH + basename(output.cssBundle);
  }
  if (!found.js) throw new Error(`esbuild wrote nothing for ${entry}`);
  return found;
}

for (const [page, entry] of Object.entries(PAGES)) {
  const { js, css } = outputsOf(entry);
  const tags = [css && `<link rel="stylesheet" href="${css}">`,
    `<script type="module" src="${js}"></script>`].filter(Boolean).join("\n    ");
  const template = await readFile(join(here, `${page}.html`), "utf8");
  if (!template.includes("<!-- assets -->")) throw new Error(`${page}.html lacks <!-- assets -->`);
  await writeFile(join(dist, `${page}.html`), template.replace("<!-- assets -->", tags));
}
console.log(`Desk tab built into ${relative(process.cwd(), dist) || "."}`);
