import * as readline from 'node:readline';
import { Writable } from 'node:stream';

// A secret asked on the terminal, not echoed (as ssh asks for a key's passphrase): written to stderr so that
// stdout stays the program's output.

export function askHidden(question: string): Promise<string> {
  process.stderr.write(question);
  // Nothing typed is echoed: the interface writes to a sink.
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = readline.createInterface({ input: process.stdin, output: muted, terminal: true });
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
