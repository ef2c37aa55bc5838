/** Sizes as admins read them (binary units, one decimal), the same in the CLI, the logs and the wizard. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}

// C0 controls (tab aside), DEL and the C1 range, where ESC and CSI live: text from outside (a server's
// answer, a package's strings, a component's output) must not move a terminal's cursor or forge a log line.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- as above, newlines kept
const CONTROLS_BUT_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text that came from outside made safe to print and log: control characters shown as \xNN (newlines too,
 * unless `keepNewlines`), and each line capped at `maxLength` characters.
 */
export function escapeControls(text: string, options: { keepNewlines?: boolean; maxLength?: number } = {}): string {
  const { keepNewlines = false, maxLength = 4000 } = options;
  const escaped = text.replace(keepNewlines ? CONTROLS_BUT_NEWLINE : CONTROLS, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return escaped
    .split('\n')
    .map((line) =>
      line.length > maxLength ? `${line.slice(0, maxLength)}… (${line.length - maxLength} more characters)` : line,
    )
    .join('\n');
}

/**
 * Every string inside a value (an event, a status row) through escapeControls, newlines included: for what came
 * from a server (its PRETTY_NAME, the steps and errors its installer reports) on its way to a terminal, JSON
 * lines and a log, where escape sequences or a forged line must not reach.
 */
export function withoutControls<T>(value: T): T {
  if (typeof value === 'string') return escapeControls(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => withoutControls(item)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutControls(item)])) as T;
  return value;
}
