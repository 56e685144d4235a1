// Reading sgd's progress reports.

import type { Progress } from "../network.ts";

/**
 * Whether a progress report is the run's last: the last epoch finished and recorded. (sgd
 * reports the last mini-batch of an epoch twice: before and after recording the epoch.)
 */
export function isFinal(p: Progress): boolean {
  return p.epoch === p.epochs - 1 && p.batch === p.batches && p.history.length === p.epochs;
}
