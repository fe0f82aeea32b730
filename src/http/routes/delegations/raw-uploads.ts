// The NDJSON and CSV body parsers of the delegation upload routes (import, validate): raw bytes, parsed by the domain.
import type { RouteModule } from "../../route-kit.js";
import { RAW_TYPES } from "./shared.js";

/** Registers the raw-body parsers for `application/x-ndjson` and `text/csv` (once, before the upload routes). */
export const rawUploadParsers: RouteModule = (app) => {
  app.addContentTypeParser([...RAW_TYPES], { parseAs: "buffer" }, (_req, body, done) => done(null, body));
};
