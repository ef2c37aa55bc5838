// electron-builder configuration for the desktop wizard. Offline builds: the Electron runtime comes from a
// folder (ELECTRON_DIST, e.g. an unpacked electron-v41 zip) and 7-Zip from Debian's p7zip-full
// (ELECTRON_BUILDER_7ZIP_PATH); see scripts/package-app.mjs and README, "Distribution".
/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'com.microsoft.asr.mobility-service-setup',
  productName: 'Mobility Service Setup',
  executableName: 'mobility-service-setup',
  directories: { output: 'out/app', buildResources: 'assets/build' },
  // Only what the app runs: the built main, preload, renderer and CLIs, and the bundled repository.
  files: [
    'package.json',
    'dist/electron/**',
    'dist/renderer/**',
    'dist/cli/unified-agent.cjs',
    'dist/cli/unified-agent-configurator.cjs',
    'dist/cli/push-install.cjs',
    'assets/repository/**',
    '!**/*.map',
  ],
  // The CLIs run in a separate Node process (the privileged child), which cannot read inside app.asar.
  asarUnpack: ['dist/cli/**', 'assets/repository/**'],
  // The privileged child's own Node runtime, so the app binary never has to run as Node (RunAsNode off).
  // And the one program pkexec may run as root, at the fixed path its polkit action names.
  extraResources: [
    { from: process.env.ASR_NODE_RUNTIME || process.execPath, to: 'runtime/node' },
    { from: 'assets/polkit/asr-setup-helper', to: 'asr-setup-helper' },
  ],
  npmRebuild: false,
  nodeGypRebuild: false,
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: ['dir', 'tar.gz'],
    category: 'System',
    maintainer: 'Mobility Service Setup maintainers <asr-setup@example.invalid>',
  },
  win: { target: 'nsis', requestedExecutionLevel: 'requireAdministrator' },
  nsis: { oneClick: false, perMachine: true, allowElevation: true, allowToChangeInstallationDirectory: true },
};
