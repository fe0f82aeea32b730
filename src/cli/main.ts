#!/usr/bin/env node
// The `keyward` CLI entry point.
import { runCli } from "./run.js";

process.exit(await runCli(process.argv.slice(2)));
