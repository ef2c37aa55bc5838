import { parseCsEndpoint } from '../../shared/cs-endpoint';
import type { SetupError } from '../../shared/error-catalog';
import { checkInstallLocationText, type PathPlatform } from '../../shared/install-location';
import type { PreflightItem, PreflightSummary } from '../../shared/ipc-contract';
import { message, type Message, type Text } from '../i18n/message';
import type { MessageId } from '../i18n/messages-en';
import { endpointProblemMessage, locationProblemMessage } from './rule-messages';

// What each field says under it, judged in the page with the rules main and the CLIs use (shared/), so an
// admin reads "Enter an install location" at the field instead of a refused IPC argument.

/** The install location field's message, or undefined when the shared rules accept the text. */
export function locationMessage(raw: string, platform: PathPlatform): Message | undefined {
  if (raw.trim() === '') return message('location.enter');
  const check = checkInstallLocationText(raw, platform);
  return check.ok ? undefined : locationProblemMessage(check.problem);
}

/** The IP address field's message; an empty field is not wrong, only missing (Register says so). */
export function endpointMessage(raw: string): Message | undefined {
  if (raw.trim() === '') return undefined;
  const parsed = parseCsEndpoint(raw);
  return parsed.ok ? undefined : endpointProblemMessage(parsed.problem);
}

/** What Register still needs, in the order of the fields; an address not judged yet is still being typed. */
export function registerMissing(endpoint: string, passphrase: string, endpointJudged: boolean): Message[] {
  const missing: Message[] = [];
  const wrong = endpointMessage(endpoint) !== undefined;
  if (endpoint.trim() === '' || (wrong && !endpointJudged)) missing.push(message('config.missing.endpoint'));
  else if (wrong) missing.push(message('config.missing.correctEndpoint'));
  if (passphrase === '') missing.push(message('config.missing.passphrase'));
  return missing;
}

/** The field a refused argument names: dispatch reports "<channel>: <field>: <problem>". */
export function refusedField(error: SetupError): string | undefined {
  if (error.code !== 'INVALID_ARGUMENT') return undefined;
  return /^[a-z]+:[a-z-]+: ([A-Za-z.]+): /.exec(error.message)?.[1];
}

export interface RegistrationFieldErrors {
  readonly endpoint?: Message;
  readonly passphrase?: Message;
}

/** A failed registration marks the field it is about: a refused passphrase, a server that did not answer. */
export function registrationFieldErrors(error: SetupError | undefined): RegistrationFieldErrors {
  if (!error) return {};
  if (error.code === 'CS_AUTH_FAILED') return { passphrase: message('config.field.passphraseRejected') };
  if (error.code === 'CS_UNREACHABLE') return { endpoint: message('config.field.unreachable') };
  const field = refusedField(error);
  if (field === 'endpoint') return { endpoint: message('config.field.endpoint') };
  if (field === 'passphrase') return { passphrase: message('config.field.passphrase') };
  return {};
}

const CHECK_TITLE: Readonly<Record<string, MessageId>> = {
  elevation: 'check.elevation',
  architecture: 'check.architecture',
  os: 'check.os',
  package: 'check.package',
  location: 'check.location',
  disk: 'check.disk',
  version: 'check.version',
};

/** A check's name in the wizard's language; one this build does not know (a newer engine) as the engine named it. */
export function checkTitle(item: Pick<PreflightItem, 'id' | 'title'>): Text {
  const id = CHECK_TITLE[item.id];
  return id === undefined ? item.title : message(id);
}

export function checkVerdict(item: Pick<PreflightItem, 'ok'>): Message {
  return message(
    item.ok === false
      ? 'prereq.verdict.failed'
      : item.ok === null
        ? 'prereq.verdict.notChecked'
        : 'prereq.verdict.passed',
  );
}

/** What a check changed, for the polite live region: the first result in a line, then only what moved. */
export function preflightNews(before: PreflightSummary | undefined, after: PreflightSummary): Message[] {
  if (!before) {
    const failed = after.items.filter((item) => item.ok === false);
    return [
      failed.length === 0
        ? message('prereq.news.allPassed', { total: after.items.length })
        : message('prereq.news.failed', {
            failed: failed.length,
            total: after.items.length,
            checks: failed.map(checkTitle),
          }),
    ];
  }
  const changed = after.items.filter((item) => {
    const old = before.items.find((candidate) => candidate.id === item.id);
    return !old || old.ok !== item.ok;
  });
  return changed.map((item) =>
    message('prereq.news.changed', { title: checkTitle(item), verdict: checkVerdict(item) }),
  );
}
