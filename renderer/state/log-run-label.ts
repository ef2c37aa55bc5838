import type { LogRun } from '../../shared/ipc-contract';
import type { Translator } from '../i18n/use-translator';
import { formatDateTime } from './time-format';

// A run in the logs view's run list as an admin looks for it: when (in this machine's zone, not the log's raw
// UTC stamp), what ran, and how it ended.

const RUN_MARK = ': run started ';

export function logRunLabel(run: LogRun, tr: Translator): string {
  const at = run.title.lastIndexOf(RUN_MARK);
  // A header written by something else is shown as it is.
  if (at === -1) return run.title;
  const what = run.title.slice(0, at);
  const time = formatDateTime(run.title.slice(at + RUN_MARK.length).trim(), tr.locale);
  return tr.t('logs.run.item', {
    time,
    what,
    outcome: run.outcome ?? 'none',
    // The code is an identifier: the same in every language.
    code: run.code ? ` (${run.code})` : '',
  });
}
