import * as path from 'node:path';
import { setupError } from '../../../shared/error-catalog';
import { locatePackage } from '../package/package-locate';
import { RELEASE_INSTALLER } from '../package/package-manifest';
import { readPackageManifest } from '../package/safe-extract';
import { PushFailure } from './ssh-connection';

// The self-contained releases (pack-agent --with-installer) a push sends, one per OS label: the highest
// version for the label, checked once to be a release (its manifest lists ./install) whatever number of
// servers need it.

export interface PushRelease {
  readonly file: string;
  readonly agentVersion: string;
  /** The folder the release extracts into, named after its file. */
  readonly topFolder: string;
}

export class ReleaseCatalog {
  private readonly byLabel = new Map<string, Promise<PushRelease>>();

  constructor(readonly repository: string) {}

  forLabel(label: string, osDescription: string): Promise<PushRelease> {
    let release = this.byLabel.get(label);
    if (!release) {
      release = this.load(label, osDescription);
      this.byLabel.set(label, release);
    }
    return release;
  }

  private async load(label: string, osDescription: string): Promise<PushRelease> {
    const found = locatePackage(this.repository, label);
    if (!found.ok)
      throw new PushFailure(
        setupError('PACKAGE_NOT_FOUND', `${osDescription} (${label}): ${found.error.message}`, found.error.remedy),
      );
    const { located } = found;
    const manifest = await readPackageManifest(located.file, {
      osLabel: located.name.label,
      agentVersion: located.name.versionText,
    }).catch((error: Error) => {
      throw new PushFailure(setupError('PACKAGE_INVALID', `${located.file}: ${error.message}`));
    });
    if (manifest.indexOf(RELEASE_INSTALLER) === -1)
      throw new PushFailure(
        setupError(
          'PACKAGE_INVALID',
          `${located.name.fileName} is an agent package, not a self-contained release (it has no ./install)`,
          'Build the release with pack-agent --with-installer, and put it in the --repository folder.',
        ),
      );
    return {
      file: located.file,
      agentVersion: manifest.agentVersion,
      topFolder: path.basename(located.file).replace(/\.tar\.gz$/, ''),
    };
  }
}
