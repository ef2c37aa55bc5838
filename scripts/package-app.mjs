// npm run package:app -- [--targets dir,tar.gz,deb] [--win]
// Builds the desktop wizard with electron-builder, offline: the Electron runtime comes from a folder
// (ELECTRON_DIST: an unpacked electron-v41 release, or node_modules/electron/dist when its binary was
// installed), 7-Zip from Debian's p7zip-full (ELECTRON_BUILDER_7ZIP_PATH, default /usr/bin/7za). The .deb
// is made with dpkg-deb from the dir target, because electron-builder's own deb tool (fpm) is downloaded
// at build time and cannot be here. Run `npm run build` first.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const top = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const targets = option('targets', 'dir,tar.gz,deb').split(',').filter(Boolean);
const windows = args.includes('--win');
const pkg = JSON.parse(fs.readFileSync(path.join(top, 'package.json'), 'utf8'));
const electronVersion = JSON.parse(
  fs.readFileSync(path.join(top, 'node_modules', 'electron', 'package.json'), 'utf8'),
).version;

function fail(message) {
  process.stderr.write(`package-app: ${message}\n`);
  process.exit(2);
}

const electronDist = process.env.ELECTRON_DIST
  ? path.resolve(process.env.ELECTRON_DIST)
  : path.join(top, 'node_modules', 'electron', 'dist');
if (!fs.existsSync(path.join(electronDist, windows ? 'electron.exe' : 'electron'))) {
  fail(
    `no Electron runtime in ${electronDist}: set ELECTRON_DIST to an unpacked electron-v${electronVersion}-${windows ? 'win32' : 'linux'}-x64 folder`,
  );
}
for (const built of [
  'dist/electron/main.js',
  'dist/electron/preload.js',
  'dist/renderer/index.html',
  'dist/cli/unified-agent.cjs',
]) {
  if (!fs.existsSync(path.join(top, built))) fail(`${built} is missing: run npm run build first`);
}
if (!process.env.ELECTRON_BUILDER_7ZIP_PATH && fs.existsSync('/usr/bin/7za'))
  process.env.ELECTRON_BUILDER_7ZIP_PATH = '/usr/bin/7za';

const builder = require('electron-builder');
const config = { ...require(path.join(top, 'electron-builder.config.cjs')), electronDist, electronVersion };
const builderTargets = targets.filter((t) => t !== 'deb');
if (targets.includes('deb') && !builderTargets.includes('dir')) builderTargets.push('dir');
const platform = windows ? builder.Platform.WINDOWS : builder.Platform.LINUX;
await builder.build({
  projectDir: top,
  config,
  targets: platform.createTarget(windows ? ['nsis'] : builderTargets, builder.Arch.x64),
  publish: 'never',
});

if (!windows && targets.includes('deb')) {
  const outDir = path.join(top, config.directories.output);
  const unpacked = path.join(outDir, 'linux-unpacked');
  const tree = path.join(outDir, 'deb-tree');
  const name = config.executableName;
  fs.rmSync(tree, { recursive: true, force: true });
  const appDir = path.join(tree, 'opt', name);
  fs.mkdirSync(path.dirname(appDir), { recursive: true });
  fs.cpSync(unpacked, appDir, { recursive: true, verbatimSymlinks: true });
  fs.mkdirSync(path.join(tree, 'usr', 'bin'), { recursive: true });
  fs.symlinkSync(`/opt/${name}/${name}`, path.join(tree, 'usr', 'bin', name));
  fs.mkdirSync(path.join(tree, 'usr', 'share', 'applications'), { recursive: true });
  fs.writeFileSync(
    path.join(tree, 'usr', 'share', 'applications', `${name}.desktop`),
    [
      `[Desktop Entry]`,
      `Name=${config.productName}`,
      `Comment=Install and register the Azure Site Recovery Mobility service`,
      `Exec=/opt/${name}/${name}`,
      'Terminal=false',
      'Type=Application',
      'Categories=System;',
      '',
    ].join('\n'),
  );
  // The polkit action that lets pkexec run the root helper (and nothing else) for the wizard.
  const actions = path.join(tree, 'usr', 'share', 'polkit-1', 'actions');
  fs.mkdirSync(actions, { recursive: true });
  fs.copyFileSync(
    path.join(top, 'assets', 'polkit', 'com.microsoft.asr.mobility-service-setup.policy'),
    path.join(actions, 'com.microsoft.asr.mobility-service-setup.policy'),
  );
  fs.chmodSync(path.join(appDir, 'resources', 'asr-setup-helper'), 0o755);
  fs.mkdirSync(path.join(tree, 'DEBIAN'));
  const installedKb = Math.ceil(Number(execFileSync('du', ['-sk', appDir], { encoding: 'utf8' }).split('\t')[0]));
  fs.writeFileSync(
    path.join(tree, 'DEBIAN', 'control'),
    [
      `Package: ${name}`,
      `Version: ${pkg.version}`,
      'Architecture: amd64',
      `Maintainer: ${config.linux.maintainer}`,
      `Installed-Size: ${installedKb}`,
      'Section: admin',
      'Priority: optional',
      'Depends: libgtk-3-0, libnss3, libxss1, libasound2 | libasound2t64, policykit-1 | pkexec',
      `Description: ${config.productName}`,
      ' Desktop wizard that installs the Azure Site Recovery Mobility service agent and registers it',
      ' with a configuration server. Privileged work runs through pkexec.',
      '',
    ].join('\n'),
  );
  // Chromium's setuid sandbox helper must be root-owned and setuid to sandbox the renderer.
  fs.writeFileSync(
    path.join(tree, 'DEBIAN', 'postinst'),
    `#!/bin/sh\nset -e\nif [ -f /opt/${name}/chrome-sandbox ]; then chown root:root /opt/${name}/chrome-sandbox; chmod 4755 /opt/${name}/chrome-sandbox; fi\n`,
    { mode: 0o755 },
  );
  const deb = path.join(outDir, `${name}_${pkg.version}_amd64.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', tree, deb], { stdio: 'inherit' });
  fs.rmSync(tree, { recursive: true, force: true });
  process.stdout.write(`${deb}\n`);
}
