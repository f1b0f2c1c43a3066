// Build the front-end assets into build/static/ (never committed).
//
//   npm run build
//
// - build/static/app.css            assets/scss/app.scss compiled by Dart Sass
// - build/static/govuk-frontend.min.js   copied from govuk-frontend
// - build/static/app.mjs            our ES module (imports the above, calls initAll)
// - build/static/images/*           our own icons (no GOV.UK crown)
// - build/static/build-manifest.json     what was built, from which versions
import { copyFile, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import * as sass from "sass";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build", "static");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

async function buildCss() {
  const result = await sass.compileAsync(join(root, "assets", "scss", "app.scss"), {
    style: "compressed",
    sourceMap: false,
    loadPaths: [join(root, "node_modules")],
    importers: [new sass.NodePackageImporter(root)],
    // govuk-frontend's own deprecation notices are not ours to fix.
    quietDeps: true,
  });
  await writeFile(join(out, "app.css"), result.css);
  return result.css.length;
}

async function copyScripts() {
  await copyFile(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
  await copyFile(join(root, "assets", "js", "app.mjs"), join(out, "app.mjs"));
}

async function copyImages() {
  const source = join(root, "assets", "images");
  await mkdir(join(out, "images"), { recursive: true });
  const names = await readdir(source);
  await Promise.all(names.map((name) => copyFile(join(source, name), join(out, "images", name))));
  return names;
}

async function main() {
  const started = Date.now();
  await mkdir(out, { recursive: true });
  const [cssBytes, , images] = await Promise.all([buildCss(), copyScripts(), copyImages()]);
  const { version } = JSON.parse(await readFile(join(govuk, "..", "..", "package.json"), "utf8"));
  await writeFile(
    join(out, "build-manifest.json"),
    JSON.stringify(
      { "govuk-frontend": version, sass: sass.info, files: ["app.css", "app.mjs", "govuk-frontend.min.js", ...images.map((n) => `images/${n}`)] },
      null,
      2,
    ) + "\n",
  );
  console.log(`Built ${out} (app.css ${cssBytes} bytes) in ${Date.now() - started} ms`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
