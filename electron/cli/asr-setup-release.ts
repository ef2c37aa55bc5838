import { configuratorMain } from './configurator-cli';
import { runEntry } from './run-entry';
import { unifiedAgentMain } from './unified-agent-cli';

// The engine of the self-contained Linux release, bundled into one file (runtime/asr-setup.cjs) and run by
// the release's own Node: `install ...` is the seed's ./install, `configure ...` is
// <install location>/Vx/bin/UnifiedAgentConfigurator.sh.

const [command, ...rest] = process.argv.slice(2);
if (command === 'install') runEntry(unifiedAgentMain, rest);
else if (command === 'configure') runEntry(configuratorMain, rest);
else {
  process.stderr.write(
    `asr-setup: expected "install" or "configure", not ${command === undefined ? 'nothing' : `"${command}"`}\n`,
  );
  process.exitCode = 2;
}
