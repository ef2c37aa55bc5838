import { pushInstallMain } from './push-install-cli';
import { runEntry } from './run-entry';

runEntry(pushInstallMain, process.argv.slice(2), 'exit');
