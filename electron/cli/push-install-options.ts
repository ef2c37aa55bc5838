// push-install's options, in node:util's parseArgs form: the CLI parses with them, and so does the e2e
// harness's stand-in for it, so the wizard is tested against the arguments the real CLI takes.
export const PUSH_INSTALL_OPTIONS = {
  hosts: { type: 'string' },
  host: { type: 'string', multiple: true },
  user: { type: 'string' },
  identity: { type: 'string' },
  'password-file': { type: 'string' },
  'known-hosts': { type: 'string' },
  'accept-new-host-keys': { type: 'boolean' },
  'accept-host-key': { type: 'string', multiple: true },
  'scan-host-keys': { type: 'boolean' },
  repository: { type: 'string' },
  role: { type: 'string' },
  platform: { type: 'string' },
  'install-location': { type: 'string' },
  'cs-endpoint': { type: 'string' },
  'passphrase-file': { type: 'string' },
  parallel: { type: 'string' },
  'host-timeout': { type: 'string' },
  'log-dir': { type: 'string' },
  json: { type: 'boolean' },
} as const;
