// Progress bars for long CLI work (cli-progress on stderr): shown on a terminal, or always with --progress.
import { createRequire } from "node:module";
import type * as CliProgress from "cli-progress";

/** cli-progress (CommonJS, ~40 KB with its dependencies), loaded only when a bar is shown (cold start). */
const loadCliProgress = () => createRequire(import.meta.url)("cli-progress") as typeof CliProgress;

/** A progress bar; every method is a no-op when the bar is not shown. */
export interface ProgressBar {
  /** Adds `amount` done, optionally naming the current phase. */
  advance(amount: number, phase?: string): void;
  /** Sets the amount done (and the total, when it becomes known). */
  update(done: number, total?: number): void;
  /** Fills the bar: the work is finished even if some of it needed no doing (e.g. an import already done). */
  complete(): void;
  stop(): void;
}

const HIDDEN: ProgressBar = { advance() {}, update() {}, complete() {}, stop() {} };

/**
 * A bar on stderr for `total` units (`unit` names them), shown when stderr is a terminal or `forced`.
 * @example const bar = progressBar(size, "import", "bytes", opts.progress); …; bar.complete(); bar.stop();
 */
export function progressBar(
  total: number,
  label: string,
  unit: string,
  forced: boolean | undefined,
): ProgressBar {
  if (!forced && !process.stderr.isTTY) return HIDDEN;
  const bar = new (loadCliProgress().SingleBar)({
    stream: process.stderr,
    format: `${label} {phase} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta}s`,
    noTTYOutput: true,
    notTTYSchedule: 500,
    hideCursor: true,
  });
  let max = Math.max(total, 1);
  bar.start(max, 0, { phase: "" });
  let stopped = false;
  return {
    advance(amount, phase) {
      bar.increment(amount, phase === undefined ? {} : { phase });
    },
    update(done, newTotal) {
      if (newTotal !== undefined && newTotal !== max) {
        max = Math.max(newTotal, 1);
        bar.setTotal(max);
      }
      bar.update(done);
    },
    complete() {
      bar.update(max, { phase: "done" });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
