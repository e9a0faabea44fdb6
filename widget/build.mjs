// Builds the widget into dist/: chat-widget.js (socket.io client bundled in,
// no CDN at run time), chat-widget.css and the demo page. Run by
// scripts/build-widget.sh.
import { copyFile, mkdir } from "node:fs/promises";
import { build } from "esbuild";

const common = { bundle: true, minify: true, logLevel: "warning", legalComments: "eof" };

await mkdir("dist", { recursive: true });
await build({
  ...common,
  entryPoints: ["src/chat-widget.js"],
  outfile: "dist/chat-widget.js",
  format: "iife",
  target: ["es2019", "chrome70", "safari12"],
});
await build({ ...common, entryPoints: ["src/chat-widget.css"], outfile: "dist/chat-widget.css" });
await copyFile("demo.html", "dist/demo.html");
