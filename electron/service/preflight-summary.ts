import type { ElevationMode, PreflightItem, PreflightSummary } from '../../shared/ipc-contract';
import type { PreflightReport } from '../engine/install/preflight';

// The engine's preflight report as the wizard shows it. The wizard itself never runs as root, so its
// elevation check says whether it can get administrator rights, not whether it has them.

function elevationAware(items: readonly PreflightItem[], elevation: ElevationMode): PreflightItem[] {
  return items.map((item) => {
    if (item.id !== 'elevation' || item.ok !== false) return item;
    if (elevation === 'will-prompt')
      return {
        id: item.id,
        title: item.title,
        ok: true,
        message: 'administrator rights will be requested (pkexec) when you select Install',
      };
    return {
      ...item,
      message: `${item.message}; this app cannot ask for them here`,
      remedy: 'Install policykit-1 (pkexec), or run the installer from a root shell: sudo ./install -r MS -v VmWare -q',
    };
  });
}

export function preflightSummary(report: PreflightReport, elevation: ElevationMode): PreflightSummary {
  const items = elevationAware(
    report.checks.map((check) => ({
      id: check.id,
      title: check.title,
      ok: check.ok,
      message: check.message,
      ...(check.error ? { code: check.error.code, remedy: check.error.remedy } : {}),
    })),
    elevation,
  );
  return {
    installLocation: report.installLocation,
    mode: report.mode,
    items,
    canInstall: items.every((item) => item.ok === true),
    ...(report.located ? { agentVersion: report.located.name.versionText } : {}),
  };
}
