import { pushInstallMain } from './push-install-cli';
import { runEntry } from './run-entry';

runEntry(pushInstallMain);
