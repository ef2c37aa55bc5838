import type { IntlShape } from 'react-intl';

// Sizes as shared/format.ts gives them to the CLI and the logs (binary units: two decimals for GiB, one for
// MiB, whole KiB rounded up), with the number written as the wizard's language writes it ("1,5 MiB").
export function formatBytes(intl: IntlShape, bytes: number): string {
  const fixed = (value: number, digits: number): string =>
    intl.formatNumber(value, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (bytes >= 1024 ** 3) return intl.formatMessage({ id: 'bytes.gib' }, { size: fixed(bytes / 1024 ** 3, 2) });
  if (bytes >= 1024 ** 2) return intl.formatMessage({ id: 'bytes.mib' }, { size: fixed(bytes / 1024 ** 2, 1) });
  return intl.formatMessage({ id: 'bytes.kib' }, { size: intl.formatNumber(Math.ceil(bytes / 1024)) });
}
