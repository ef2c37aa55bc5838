// A file the admin loaded into a field (a passphrase file, a hosts file), read in the page: its text without
// the trailing line breaks, as the CLI reads a passphrase file.
export async function fileTextTrimmed(file: Blob): Promise<string> {
  return (await file.text()).replace(/[\r\n]+$/, '');
}
