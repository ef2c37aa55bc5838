import * as fs from 'node:fs';
import { setupError } from '../../../shared/error-catalog';
import { JobFailure } from '../install/job-failure';
import { normalisePassphrase } from './registration-crypto';

/** Where the passphrase comes from: a file's path, or the bytes read from standard input. */
export type PassphraseSource = { readonly file: string } | { readonly stdin: Buffer };

/** Reads and normalises the passphrase; every failure is PASSPHRASE_FILE_UNREADABLE naming the file. */
export function readPassphrase(source: PassphraseSource): string {
  let bytes: Buffer;
  if ('stdin' in source) {
    bytes = source.stdin;
  } else {
    try {
      const stat = fs.statSync(source.file);
      if (!stat.isFile())
        throw new JobFailure(
          setupError('PASSPHRASE_FILE_UNREADABLE', `the passphrase file ${source.file} is not a regular file`),
        );
      if (stat.size > 4096)
        throw new JobFailure(
          setupError(
            'PASSPHRASE_FILE_UNREADABLE',
            `the passphrase file ${source.file} is ${stat.size} bytes; a passphrase file holds one line`,
          ),
        );
      bytes = fs.readFileSync(source.file);
    } catch (error) {
      if (error instanceof JobFailure) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'does not exist'
          : code === 'EACCES' || code === 'EPERM'
            ? 'cannot be read by this user (permission denied)'
            : `cannot be read (${code ?? 'error'})`;
      throw new JobFailure(setupError('PASSPHRASE_FILE_UNREADABLE', `the passphrase file ${source.file} ${why}`));
    }
  }
  const passphrase = normalisePassphrase(bytes);
  const where = 'stdin' in source ? 'the passphrase given on standard input' : `the passphrase file ${source.file}`;
  if (passphrase.length === 0) throw new JobFailure(setupError('PASSPHRASE_FILE_UNREADABLE', `${where} is empty`));
  return passphrase;
}
