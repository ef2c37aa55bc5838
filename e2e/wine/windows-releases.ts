import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// The Windows sample agent for the Windows tests: a real Windows service (stand-in-service.c, built with Debian's
// mingw-w64) as bin\svagentsd.exe, an optional VSS-provider component, and the service declared as the Linux
// sample declares its own. Variants: a required component that fails, and a service that stops at once.

export type WindowsPayload = 'sample' | 'failing-component' | 'dies-at-start';

/** Builds the stand-in service once into `dir`; returns its path. `source` is for bundles, whose __dirname differs. */
export function buildStandInService(dir: string, source = path.join(__dirname, 'stand-in-service.c')): string {
  const exe = path.join(dir, 'svagentsd.exe');
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(exe))
    execFileSync('x86_64-w64-mingw32-gcc', ['-O2', '-s', '-municode', '-o', exe, source, '-ladvapi32']);
  return exe;
}

/** A payload folder (mode 755, as pack-agent wants it) of the given variant. */
export function windowsPayload(dir: string, variant: WindowsPayload, service: string): string {
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true, mode: 0o755 });
  fs.mkdirSync(path.join(dir, 'setup'), { mode: 0o755 });
  fs.copyFileSync(service, path.join(dir, 'bin', 'svagentsd.exe'));
  fs.chmodSync(path.join(dir, 'bin', 'svagentsd.exe'), 0o755);
  const components = [
    {
      id: 'vss-provider',
      title: 'Site Recovery VSS provider',
      optional: true,
      run: 'bin/svagentsd.exe',
      args: ['--exit', '0'],
    },
    ...(variant === 'failing-component'
      ? [
          {
            id: 'filter-driver',
            title: 'Filter driver',
            optional: false,
            run: 'bin/svagentsd.exe',
            args: ['--exit', '5'],
          },
        ]
      : []),
  ];
  const serviceArgs = variant === 'dies-at-start' ? ['--exit-at-start'] : [];
  const write = (file: string, value: unknown): void =>
    fs.writeFileSync(path.join(dir, 'setup', file), `${JSON.stringify(value, null, 2)}\n`, { mode: 0o644 });
  write('components.json', components);
  write('service.json', {
    name: 'asr-mobility',
    description: 'Azure Site Recovery Mobility service',
    exec: 'bin/svagentsd.exe',
    args: serviceArgs,
  });
  fs.chmodSync(dir, 0o755);
  return dir;
}
