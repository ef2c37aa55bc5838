import { parseCsEndpoint } from '../../shared/cs-endpoint';
import type { SetupError } from '../../shared/error-catalog';
import { checkInstallLocationText, type PathPlatform } from '../../shared/install-location';
import type { PreflightItem, PreflightSummary } from '../../shared/ipc-contract';

// What each field says under it, judged in the page with the rules main and the CLIs use (shared/), so an
// admin reads "Enter an install location" at the field instead of a refused IPC argument.

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The install location field's message, or undefined when the shared rules accept the text. */
export function locationMessage(raw: string, platform: PathPlatform): string | undefined {
  if (raw.trim() === '') return 'Enter an install location';
  const check = checkInstallLocationText(raw, platform);
  return check.ok ? undefined : sentence(check.reason);
}

/** The IP address field's message; an empty field is not wrong, only missing (Register says so). */
export function endpointMessage(raw: string): string | undefined {
  if (raw.trim() === '') return undefined;
  const parsed = parseCsEndpoint(raw);
  return parsed.ok ? undefined : parsed.reason;
}

/** What Register still needs, in the order of the fields; an address not judged yet is still being typed. */
export function registerMissing(endpoint: string, passphrase: string, endpointJudged: boolean): string[] {
  const missing: string[] = [];
  const wrong = endpointMessage(endpoint) !== undefined;
  if (endpoint.trim() === '' || (wrong && !endpointJudged)) missing.push("Enter the configuration server's IP address");
  else if (wrong) missing.push('Correct the IP address');
  if (passphrase === '') missing.push('Enter the passphrase, or load it from the passphrase file');
  return missing;
}

/** The field a refused argument names: dispatch reports "<channel>: <field>: <problem>". */
export function refusedField(error: SetupError): string | undefined {
  if (error.code !== 'INVALID_ARGUMENT') return undefined;
  return /^[a-z]+:[a-z-]+: ([A-Za-z.]+): /.exec(error.message)?.[1];
}

export interface RegistrationFieldErrors {
  readonly endpoint?: string;
  readonly passphrase?: string;
}

/** A failed registration marks the field it is about: a refused passphrase, a server that did not answer. */
export function registrationFieldErrors(error: SetupError | undefined): RegistrationFieldErrors {
  if (!error) return {};
  if (error.code === 'CS_AUTH_FAILED')
    return { passphrase: 'The configuration server rejected this passphrase; check it and try again' };
  if (error.code === 'CS_UNREACHABLE') return { endpoint: 'No configuration server answered at this address' };
  const field = refusedField(error);
  if (field === 'endpoint') return { endpoint: "Enter the configuration server's IP address" };
  if (field === 'passphrase') return { passphrase: 'Enter the passphrase' };
  return {};
}

function verdict(item: PreflightItem): string {
  return item.ok === false ? 'failed' : item.ok === null ? 'not checked' : 'passed';
}

/** What a check changed, for the polite live region: the first result in a line, then only what moved. */
export function preflightNews(before: PreflightSummary | undefined, after: PreflightSummary): string {
  if (!before) {
    const failed = after.items.filter((item) => item.ok === false);
    return failed.length === 0
      ? `All ${after.items.length} prerequisites passed.`
      : `${failed.length} of ${after.items.length} prerequisites failed: ${failed.map((item) => item.title).join(', ')}.`;
  }
  const changed = after.items.filter((item) => {
    const old = before.items.find((candidate) => candidate.id === item.id);
    return !old || old.ok !== item.ok;
  });
  return changed.map((item) => `${item.title}: ${verdict(item)}.`).join(' ');
}
