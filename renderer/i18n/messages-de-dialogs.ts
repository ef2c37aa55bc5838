import type { messagesEnDialogs } from './messages-en-dialogs';

// German: the dialogs (Cancel, Exit, Uninstall, Show command line) and the logs view.

export const messagesDeDialogs: Readonly<Record<keyof typeof messagesEnDialogs, string>> = {
  'cancel.title': 'Installation abbrechen?',
  'cancel.body':
    'Die bisherigen Änderungen werden rückgängig gemacht, und der Computer bleibt so, wie er vor dem Start von Setup war.',
  'cancel.confirm': 'Installation abbrechen',
  'cancel.keep': 'Weiter installieren',

  'exit.installRunning.title': 'Beenden und die Installation abbrechen?',
  'exit.installRunning.body':
    'Die laufende Installation wird angehalten und zurückgesetzt: nichts, was sie geändert hat, bleibt erhalten.',
  'exit.installRunning.stay': 'Weiter installieren',
  'exit.installRunning.leave': 'Installation abbrechen und beenden',
  'exit.busy.title': 'Beenden, während Setup noch arbeitet?',
  'exit.busy.body':
    'Die laufende Registrierung oder Deinstallation endet, wenn Setup beendet wird. Führen Sie Setup erneut aus, um sie abzuschließen.',
  'exit.busy.stay': 'Weiterarbeiten',
  'exit.busy.leave': 'Trotzdem beenden',
  'exit.pushRunning.title': 'Beenden und die Verteilung abbrechen?',
  'exit.pushRunning.body': 'Die laufende Verteilung endet; jeder Server setzt zurück, was er begonnen hatte.',
  'exit.pushRunning.stay': 'Weiter verteilen',
  'exit.pushRunning.leave': 'Verteilung abbrechen und beenden',
  'exit.notRegistered.title': 'Ohne Registrierung beenden?',
  'exit.notRegistered.body':
    'Der Agent ist installiert, aber bei keinem Konfigurationsserver registriert, und schützt diesen Computer daher noch nicht. Registrieren Sie ihn später, indem Sie Setup erneut ausführen, oder mit UnifiedAgentConfigurator.',
  'exit.notRegistered.stay': 'Zurück zu Setup',
  'exit.notRegistered.leave': 'Beenden',

  'uninstall.title': 'Mobility-Service-Agent deinstallieren',
  'uninstall.removes': 'Die Deinstallation von Agent {version} entfernt:',
  'uninstall.removes.files': 'was Setup in <code>{location}</code> installiert hat (alles andere dort bleibt)',
  'uninstall.removes.service': 'den Dienst des Agents: angehalten, deaktiviert und entfernt',
  'uninstall.removes.record': 'den Installationseintrag, <code>{file}</code>',
  'uninstall.logsStay': 'Die Setup-Protokolle bleiben erhalten.',
  'uninstall.passphrase': 'Passphrase (optional)',
  'uninstall.passphrase.hint':
    'Geben Sie die Passphrase ein, um diesen Server auch vom Konfigurationsserver {endpoint} zu entfernen. Ohne sie behält der Konfigurationsserver seinen Eintrag für Host {hostId}.',
  'uninstall.cannotStart': 'Die Deinstallation konnte nicht starten',
  'uninstall.confirm': 'Deinstallieren',

  'command.install.title': 'Über die Befehlszeile installieren',
  'command.register.title': 'Über die Befehlszeile registrieren',
  'command.install.hint':
    'Dieselbe Installation wie im Assistenten, ohne Rückfragen. Führen Sie sie als Administrator (Windows) oder root (Linux, im entpackten Release-Ordner) aus.',
  'command.register.hint': 'Dieselbe Registrierung wie im Assistenten, ohne Rückfragen, als Administrator oder root.',
  'command.push.title': 'Verteilen über die Befehlszeile',
  'command.push.hint':
    'Dieselbe Verteilung, die der Assistent ausführen würde, aus einem Checkout von Mobility Service Setup (die App führt dasselbe push-install aus). Hostschlüssel werden mit Ihren bekannten Hosts verglichen; --accept-new-host-keys nur in einem vertrauenswürdigen Netz hinzufügen.',
  'command.push.label': 'push-install',
  'command.push.serversFile': 'Die Server in {file} schreiben, einen pro Zeile.',
  'command.push.passwordFile': 'Das SSH-Kennwort in {file} schreiben (nur für Sie lesbar) und danach löschen.',
  'command.push.passphraseFile':
    'Die Passphrase des Konfigurationsservers in {file} schreiben (nur für Sie lesbar): Sie steht nie in der Befehlszeile.',
  'command.windows': 'Windows',
  'command.linux': 'Linux',
  'command.copy': '{system}-Befehl kopieren',
  'command.copied': 'Kopiert',
  'command.selected': 'Markiert: zum Kopieren Strg+C drücken',
  'command.passphraseFile':
    'Schreiben Sie die Passphrase zuerst in diese Datei ({windows} oder {linux}), nur für Administratoren oder root lesbar, und löschen Sie sie danach: sie steht nie in der Befehlszeile.',
  'command.replaceEndpoint': 'Ersetzen Sie {example} durch die IP-Adresse des Konfigurationsservers.',

  'logs.title': 'Setup-Protokolle',
  'logs.back': 'Zurück zu Setup',
  'logs.toolbar': 'Protokolloptionen',
  'logs.tools': 'Filter und Aktionen',
  'logs.tools.filtered': 'Filter und Aktionen (gefiltert)',
  'logs.log': 'Protokoll',
  'logs.name':
    '{log, select, configurator {Konfiguratorprotokoll} push {Verteilungsprotokoll} other {Installationsprotokoll}}',
  'logs.lines':
    '{log, select, configurator {Zeilen des Konfiguratorprotokolls} push {Zeilen des Verteilungsprotokolls} other {Zeilen des Installationsprotokolls}}',
  'logs.level': 'Stufe',
  'logs.level.all': 'Alle Zeilen',
  'logs.level.debug': 'Debug und höher',
  'logs.level.info': 'Info und höher',
  'logs.level.warn': 'Warnungen und Fehler',
  'logs.level.error': 'Nur Fehler',
  'logs.filter': 'Filter',
  'logs.filter.placeholder': 'Text in der Zeile',
  'logs.run': 'Lauf',
  'logs.run.whole': 'Ganzes Protokoll',
  'logs.run.item':
    '{time} · {what} · {outcome, select, Succeeded {erfolgreich} Warning {erfolgreich mit Warnungen} Failed {fehlgeschlagen} Cancelled {abgebrochen} other {kein Ergebnis (läuft oder vorzeitig beendet)}}{code}',
  'logs.follow': 'Live folgen',
  'logs.wrap': 'Zeilen umbrechen',
  'logs.copyLog': 'Protokoll kopieren',
  'logs.copyRun': 'Lauf kopieren',
  'logs.openFolder': 'Ordner öffnen',
  'logs.saveDiagnostics': 'Diagnose speichern…',
  'logs.diagnostics.saving': 'Diagnosedaten werden gesammelt…',
  'logs.diagnostics.saved': 'Diagnose gespeichert unter <code>{path}</code>',
  'logs.diagnostics.failed': 'Die Diagnose konnte nicht gespeichert werden',
  'logs.summary': '{fileName}: {lineCount, plural, one {# Zeile} other {# Zeilen}}, {shown, number} angezeigt',
  'logs.summary.missing': '{fileName} existiert noch nicht',
  'logs.summary.loading': 'Wird geladen…',
  'logs.summary.copied': '{summary} · {copied}',
  'logs.path': 'Protokolldatei: <code>{path}</code>',
  'logs.noMatch': 'Keine Zeile passt zum Filter.',
  'logs.copying': 'Wird kopiert…',
  'logs.copy.tooLarge':
    'Nicht kopiert: Die Zeilen umfassen {megabytes} MB, Kopieren nimmt höchstens {max} MB. Einen Lauf wählen oder die Zeilen filtern, oder Ordner öffnen verwenden.',
  'logs.copy.nothing': 'Nichts zu kopieren',
  'logs.copy.done':
    '{lines, plural, one {# Zeile} other {# Zeilen}} {scope, select, run {des gewählten Laufs} other {des ganzen Protokolls}} kopiert{filtered, select, yes {, nur Zeilen, die zum Filter passen} other {}}',
};
