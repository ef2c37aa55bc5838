// Package file names carry what Locate needs: Microsoft-ASR_UA_<version>_<LABEL>_GA_<DDMonYYYY>_release.tar.gz
// (Windows: ..._Windows_GA_..._release.exe or .zip). Parsing them lets Locate choose without opening archives.

export type AgentVersion = readonly [number, number, number, number];

export interface PackageName {
  readonly fileName: string;
  readonly version: AgentVersion;
  readonly versionText: string;
  readonly label: string;
  readonly releaseDate: string;
  readonly extension: 'tar.gz' | 'exe' | 'zip';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const PACKAGE_NAME =
  /^Microsoft-ASR_UA_(\d{1,5}\.\d{1,5}\.\d{1,5}\.\d{1,5})_([A-Za-z0-9.-]+?)_GA_(\d{2}(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\d{4})_release\.(tar\.gz|exe|zip)$/;

export function parseAgentVersion(text: string): AgentVersion | undefined {
  const match = /^(\d{1,5})\.(\d{1,5})\.(\d{1,5})\.(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])];
}

export function compareAgentVersions(a: AgentVersion, b: AgentVersion): number {
  for (let i = 0; i < 4; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

export function parsePackageName(fileName: string): PackageName | undefined {
  const match = PACKAGE_NAME.exec(fileName);
  if (!match) return undefined;
  const [, versionText = '', label = '', releaseDate = '', extension = ''] = match;
  const version = parseAgentVersion(versionText);
  if (!version) return undefined;
  return { fileName, version, versionText, label, releaseDate, extension: extension as PackageName['extension'] };
}

/** DDMonYYYY, the date form the agent's release names use (e.g. 25Nov2026), in UTC. */
export function releaseDateText(date: Date): string {
  const day = String(date.getUTCDate()).padStart(2, '0');
  return `${day}${MONTHS[date.getUTCMonth()]}${date.getUTCFullYear()}`;
}

export function packageFileName(versionText: string, label: string, date: Date): string {
  return `Microsoft-ASR_UA_${versionText}_${label}_GA_${releaseDateText(date)}_release.tar.gz`;
}
