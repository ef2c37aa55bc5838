// The support matrix as data: the seed's "Locate installer files" table plus the systems later agent
// releases added. Adding a system is one row. Detection (electron/engine/system/os-detect.ts) turns the
// machine's release files into { id, version } and asks this table for the package label.

export type OsFamily = 'linux' | 'windows';

export interface SupportRow {
  /** The label that appears in package names: Microsoft-ASR_UA_<version>_<label>_GA_<date>_release.tar.gz */
  readonly label: string;
  readonly family: OsFamily;
  /** The systems as the seed's table (or later release notes) names them. */
  readonly systems: string;
  /** os-release IDs (lower case) this row covers; Windows rows use "windows". */
  readonly ids: readonly string[];
  /** Accepts a VERSION_ID (Linux) or a kernel version "major.minor.build" (Windows). */
  readonly versions: RegExp;
  /** True for rows in the seed's own table; false for systems added by later agent releases. */
  readonly seed: boolean;
}

const rhelLike = ['rhel', 'centos'];

export const SUPPORT_MATRIX: readonly SupportRow[] = [
  {
    label: 'Windows',
    family: 'windows',
    systems: 'Windows Server 2016; 2012 R2; 2012; 2008 R2 SP1',
    ids: ['windows'],
    versions: /^(6\.1\.7601|6\.2\.9200|6\.3\.9600|10\.0\.14393)$/,
    seed: true,
  },
  {
    label: 'RHEL6-64',
    family: 'linux',
    systems: 'Red Hat Enterprise Linux (RHEL) 6.*, CentOS 6.*',
    ids: rhelLike,
    versions: /^6(\.\d+)?$/,
    seed: true,
  },
  {
    label: 'RHEL7-64',
    family: 'linux',
    systems: 'Red Hat Enterprise Linux (RHEL) 7.*, CentOS 7.*',
    ids: rhelLike,
    versions: /^7(\.\d+)?$/,
    seed: true,
  },
  {
    label: 'SLES12-64',
    family: 'linux',
    systems: 'SUSE Linux Enterprise Server 12 SP1, SP2, SP3',
    ids: ['sles'],
    versions: /^12\.[1-3]$/,
    seed: true,
  },
  {
    label: 'SLES11-SP3-64',
    family: 'linux',
    systems: 'SUSE Linux Enterprise Server 11 SP3',
    ids: ['sles'],
    versions: /^11\.3$/,
    seed: true,
  },
  {
    label: 'SLES11-SP4-64',
    family: 'linux',
    systems: 'SUSE Linux Enterprise Server 11 SP4',
    ids: ['sles'],
    versions: /^11\.4$/,
    seed: true,
  },
  {
    label: 'OL6-64',
    family: 'linux',
    systems: 'Oracle Enterprise Linux 6.4, 6.5',
    ids: ['ol'],
    versions: /^6\.[45]$/,
    seed: true,
  },
  {
    label: 'UBUNTU-14.04-64',
    family: 'linux',
    systems: 'Ubuntu Linux 14.04',
    ids: ['ubuntu'],
    versions: /^14\.04$/,
    seed: true,
  },
  {
    label: 'UBUNTU-16.04-64',
    family: 'linux',
    systems: 'Ubuntu Linux 16.04 LTS server',
    ids: ['ubuntu'],
    versions: /^16\.04$/,
    seed: true,
  },
  { label: 'DEBIAN7-64', family: 'linux', systems: 'Debian 7', ids: ['debian'], versions: /^7(\.\d+)?$/, seed: true },
  { label: 'DEBIAN8-64', family: 'linux', systems: 'Debian 8', ids: ['debian'], versions: /^8(\.\d+)?$/, seed: true },
  // Added by later agent releases.
  {
    label: 'RHEL8-64',
    family: 'linux',
    systems: 'Red Hat Enterprise Linux 8.*, CentOS 8.*',
    ids: rhelLike,
    versions: /^8(\.\d+)?$/,
    seed: false,
  },
  {
    label: 'RHEL9-64',
    family: 'linux',
    systems: 'Red Hat Enterprise Linux 9.*',
    ids: ['rhel'],
    versions: /^9(\.\d+)?$/,
    seed: false,
  },
  { label: 'OL7-64', family: 'linux', systems: 'Oracle Linux 7.*', ids: ['ol'], versions: /^7(\.\d+)?$/, seed: false },
  { label: 'OL8-64', family: 'linux', systems: 'Oracle Linux 8.*', ids: ['ol'], versions: /^8(\.\d+)?$/, seed: false },
  { label: 'OL9-64', family: 'linux', systems: 'Oracle Linux 9.*', ids: ['ol'], versions: /^9(\.\d+)?$/, seed: false },
  {
    label: 'SLES15-64',
    family: 'linux',
    systems: 'SUSE Linux Enterprise Server 15 (GA, SP1-SP6)',
    ids: ['sles'],
    versions: /^15(\.[0-6])?$/,
    seed: false,
  },
  {
    label: 'UBUNTU-18.04-64',
    family: 'linux',
    systems: 'Ubuntu Linux 18.04 LTS',
    ids: ['ubuntu'],
    versions: /^18\.04$/,
    seed: false,
  },
  {
    label: 'UBUNTU-20.04-64',
    family: 'linux',
    systems: 'Ubuntu Linux 20.04 LTS',
    ids: ['ubuntu'],
    versions: /^20\.04$/,
    seed: false,
  },
  {
    label: 'UBUNTU-22.04-64',
    family: 'linux',
    systems: 'Ubuntu Linux 22.04 LTS',
    ids: ['ubuntu'],
    versions: /^22\.04$/,
    seed: false,
  },
  {
    label: 'UBUNTU-24.04-64',
    family: 'linux',
    systems: 'Ubuntu Linux 24.04 LTS',
    ids: ['ubuntu'],
    versions: /^24\.04$/,
    seed: false,
  },
  { label: 'DEBIAN9-64', family: 'linux', systems: 'Debian 9', ids: ['debian'], versions: /^9(\.\d+)?$/, seed: false },
  {
    label: 'DEBIAN10-64',
    family: 'linux',
    systems: 'Debian 10',
    ids: ['debian'],
    versions: /^10(\.\d+)?$/,
    seed: false,
  },
  {
    label: 'DEBIAN11-64',
    family: 'linux',
    systems: 'Debian 11',
    ids: ['debian'],
    versions: /^11(\.\d+)?$/,
    seed: false,
  },
  {
    label: 'DEBIAN12-64',
    family: 'linux',
    systems: 'Debian 12',
    ids: ['debian'],
    versions: /^12(\.\d+)?$/,
    seed: false,
  },
];

export const PACKAGE_LABELS: readonly string[] = SUPPORT_MATRIX.map((row) => row.label);

export function supportRowFor(id: string, version: string): SupportRow | undefined {
  const normalisedId = id.toLowerCase();
  return SUPPORT_MATRIX.find((row) => row.ids.includes(normalisedId) && row.versions.test(version));
}

export function supportRowByLabel(label: string): SupportRow | undefined {
  const upper = label.toUpperCase();
  return SUPPORT_MATRIX.find((row) => row.label.toUpperCase() === upper);
}
