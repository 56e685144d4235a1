// Reading sgd's progress reports.

import type { Progress } from "../network.ts";

/**
 * Whether a progress report is the run's last: the last epoch finished and recorded. (sgd
 * reports the last mini-batch of an epoch twice: before and after recording the epoch.) A
 * `done` field, when sgd gives one, also covers runs that stop early.
 */
export function isFinal(p: Progress): boolean {
  const done = (p as Progress & { readonly done?: boolean }).done;
  if (done !== undefined) return done;
  return p.epoch === p.epochs - 1 && p.batch === p.batches && p.history.length === p.epochs;
}
