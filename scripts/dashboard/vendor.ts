/**
 * Copies the charting library the dashboard uses (uPlot, pinned exactly in
 * package.json) from node_modules into the Worker's static assets, where it
 * is committed so the server needs no CDN and no build step:
 *
 *   npm run dashboard:vendor           # after changing uPlot's version
 *   npm run dashboard:vendor -- --check # in npm run check: fails if the copy differs
 */
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../lib/wrangler.ts";

/** Files taken from the uplot package, by their path inside it. */
const FILES = ["dist/uPlot.iife.min.js", "dist/uPlot.min.css", "LICENSE"] as const;

const SOURCE = join(PROJECT_ROOT, "node_modules/uplot");
const TARGET = join(PROJECT_ROOT, "public/dashboard/assets/vendor");

const check = process.argv.includes("--check");
const stale: string[] = [];
for (const file of FILES) {
	const from = join(SOURCE, file);
	const to = join(TARGET, file.split("/").at(-1) ?? file);
	if (!check) {
		copyFileSync(from, to);
		continue;
	}
	if (!existsSync(to) || !readFileSync(from).equals(readFileSync(to))) stale.push(to);
}
if (stale.length > 0) {
	console.error(
		`The vendored uPlot differs from node_modules/uplot: ${stale.join(", ")}. Run npm run dashboard:vendor and commit the result.`,
	);
	process.exit(1);
}
if (!check) console.log(`Copied uPlot into ${TARGET}.`);
