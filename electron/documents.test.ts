import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { TOP } from './engine/test-support/run-cli';

// Every document the code or the README names must be in the repository: a newcomer follows these names.

function namedDocuments(): Map<string, string[]> {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: TOP, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file && file !== 'package-lock.json' && fs.existsSync(path.join(TOP, file)));
  const named = new Map<string, string[]>();
  for (const file of files) {
    const text = fs.readFileSync(path.join(TOP, file), 'utf8');
    for (const match of text.matchAll(/(?<![\w/.-])((?:[\w-]+\/)*[\w-]+\.md)\b/g)) {
      const name = match[1] as string;
      named.set(name, [...(named.get(name) ?? []), file]);
    }
  }
  return named;
}

describe('documents named by the code and the README', () => {
  it('all exist in the repository, relative to the top or to the file naming them', () => {
    const missing: string[] = [];
    for (const [name, where] of namedDocuments()) {
      for (const file of where) {
        const candidates = [path.join(TOP, name), path.join(TOP, path.dirname(file), name)];
        if (!candidates.some((candidate) => fs.existsSync(candidate))) missing.push(`${name} (named in ${file})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('include the architecture and protocol documents', () => {
    const named = namedDocuments();
    expect(named.get('docs/architecture.md')).toContain('README.md');
    expect(named.get('docs/protocol.md')).toContain('README.md');
  });
});
