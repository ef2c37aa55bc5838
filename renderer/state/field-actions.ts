import { endpointMessage } from './field-rules';
import { useRegistration } from './stores';

// When the IP address is judged: a wrong address shows once the admin leaves the field or stops typing for
// a moment, so "10." on the way to "10.0.0.5" is no error; a right one is taken at once, and an error already
// on screen follows the typing.

/** The pause in typing after which the address is judged. */
export const JUDGE_PAUSE_MS = 800;

let judgeTimer: ReturnType<typeof setTimeout> | undefined;

export function endpointTyped(endpoint: string): void {
  clearTimeout(judgeTimer);
  if (endpointMessage(endpoint) === undefined) {
    useRegistration.setState({ endpointJudged: false });
    return;
  }
  if (useRegistration.getState().endpointJudged) return;
  judgeTimer = setTimeout(judgeEndpoint, JUDGE_PAUSE_MS);
}

/** The field was left (or typing paused): show what is wrong with it, if anything. */
export function judgeEndpoint(): void {
  clearTimeout(judgeTimer);
  useRegistration.setState({ endpointJudged: true });
}

export function stopFieldTimers(): void {
  clearTimeout(judgeTimer);
}
