// `npm run build` step: bundles the dashboard (src/ui/) into dist/ui/ (or the directory given).
import { buildUi } from "../src/http/ui-assets.js";

const outdir = process.argv[2] ?? "dist/ui";
const files = await buildUi(outdir);
const bytes = [...files.values()].reduce((n, b) => n + b.length, 0);
console.log(`dashboard: ${files.size} files, ${bytes} bytes in ${outdir}`);
