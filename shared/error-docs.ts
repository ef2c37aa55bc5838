import { ERROR_CATALOG, ERROR_CODES, type ErrorCode, type Outcome } from './error-catalog';
import { MSI_EXIT_CODES, POSIX_EXIT_CODES } from './exit-codes';

// docs/errors.md is generated from the catalog by this module (scripts/generate-error-docs.ts, run by
// npm run build), so the page an error links to always says what the code says. The wizard shows the same
// section beside the error, since its window may not open documents of its own.

export const ERROR_DOCS_FILE = 'docs/errors.md';

const OUTCOME_TEXT: Readonly<Record<Outcome, string>> = {
  failed: 'the run failed',
  'invalid-input': 'a value given to setup is not valid',
  busy: 'another setup run holds the machine',
  cancelled: 'the run was cancelled',
};

export interface ErrorDocEntry {
  readonly code: ErrorCode;
  /** The section's anchor in docs/errors.md: the heading as GitHub turns it into an id. */
  readonly anchor: string;
  readonly title: string;
  readonly outcome: string;
  readonly linuxExit: number;
  readonly windowsExit: number;
  readonly remedy: string;
}

export function errorDocEntry(code: ErrorCode): ErrorDocEntry {
  const info = ERROR_CATALOG[code];
  return {
    code,
    anchor: code.toLowerCase(),
    title: info.title,
    outcome: OUTCOME_TEXT[info.outcome],
    linuxExit: POSIX_EXIT_CODES[info.outcome],
    windowsExit: MSI_EXIT_CODES[info.outcome],
    remedy: info.remedy,
  };
}

/** "docs/errors.md#cancelled": where an error's section is. */
export function errorDocLink(code: ErrorCode): string {
  return `${ERROR_DOCS_FILE}#${errorDocEntry(code).anchor}`;
}

/** Catalog text as literal Markdown: file patterns such as *_<OS label>_* must not turn into emphasis or tags. */
function literal(text: string): string {
  return text
    .replace(/[\\`*_|]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function errorDocsMarkdown(): string {
  const entries = ERROR_CODES.map(errorDocEntry);
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from shared/error-catalog.ts by scripts/generate-error-docs.ts (npm run build): edit the catalog, not this file. -->',
    '',
    'Every failure setup reports, in the wizard, on the command line and in the setup logs, carries one of these',
    'codes, a message naming what was wrong, and what to do. The exit code depends on the outcome: small codes',
    'on Linux, Windows Installer codes on Windows (the `msiCode` of a `--json` result line on either).',
    '',
    '| code | title | Linux exit | Windows exit |',
    '| --- | --- | --- | --- |',
    ...entries.map(
      (entry) =>
        `| [\`${entry.code}\`](#${entry.anchor}) | ${literal(entry.title)} | ${entry.linuxExit} | ${entry.windowsExit} |`,
    ),
  ];
  for (const entry of entries)
    lines.push(
      '',
      `## ${entry.code}`,
      '',
      `**${literal(entry.title)}**`,
      '',
      `- Outcome: ${entry.outcome} (exit code ${entry.linuxExit} on Linux, ${entry.windowsExit} on Windows).`,
      `- What to do: ${literal(entry.remedy)}`,
    );
  return `${lines.join('\n')}\n`;
}
