import type { messagesEnProgress } from './messages-en-progress';

// German: Installation Progress, the error panel and its Copy details text, sizes.

export const messagesDeProgress: Readonly<Record<keyof typeof messagesEnProgress, string>> = {
  'progress.title': '{kind, select, uninstall {Deinstallationsfortschritt} other {Installationsfortschritt}}',
  'progress.bar': '{kind, select, uninstall {Fortschritt der Deinstallation} other {Fortschritt der Installation}}',
  'progress.steps': '{kind, select, uninstall {Schritte der Deinstallation} other {Schritte der Installation}}',
  'progress.detailsLog': '{kind, select, uninstall {Details der Deinstallation} other {Details der Installation}}',
  'progress.details': 'Details',
  'progress.cancelling': 'Wird abgebrochen: die bisherigen Änderungen werden rückgängig gemacht…',
  'progress.starting': 'Wird gestartet…',
  'progress.planned': '{count, plural, one {# Schritt geplant} other {# Schritte geplant}}',
  'progress.position': 'Schritt {index} von {count}: {title}',
  'progress.value.step': '{percent}, Schritt {index} von {count}',
  'progress.value.bytes':
    '{percent}, Schritt {index} von {count}: {done} von {total}, {filesDone, number} von {filesTotal, plural, one {# Datei} other {# Dateien}}',
  'progress.bytes':
    '{done} von {total} · {filesDone, number} von {filesTotal, plural, one {# Datei} other {# Dateien}}',
  'progress.cancelButton': 'Abbrechen',
  'progress.cancellingButton': 'Wird abgebrochen…',
  'progress.backToOptions': 'Zurück zur Installationsoption',
  'progress.proceed': 'Weiter zur Konfiguration',
  'progress.uninstallWithoutUnregistering': 'Ohne Abmelden deinstallieren',
  'progress.started': 'Gestartet {time} · seitdem {elapsed}',
  'progress.took': 'Gestartet {time} · Dauer {elapsed}',

  'stepState.pending': 'Wartet',
  'stepState.running': 'Läuft',
  'stepState.succeeded': 'Erfolgreich',
  'stepState.warning': 'Warnung',
  'stepState.failed': 'Fehlgeschlagen',
  'stepState.skipped': 'Übersprungen',
  'stepState.cancelled': 'Abgebrochen',
  'stepState.rolledBack': 'Zurückgesetzt',
  'stepState.notRun': 'Nicht ausgeführt',
  'steps.optional': '{title} (optional)',
  'detail.started': '{title}…',
  'detail.finished': '{title}: {status}',
  'detail.finishedWith': '{title}: {status} ({message})',

  'outcome.installed':
    '{mode, select, upgrade {{role, select, MT {Master-Target} other {Mobility Service}} in {location} auf {version} aktualisiert} repair {{role, select, MT {Master-Target} other {Mobility Service}} {version} in {location} repariert} other {{role, select, MT {Master-Target} other {Mobility Service}} {version} in {location} installiert}}',
  'outcome.installedSomething': '{role, select, MT {Master-Target} other {Mobility Service}} installiert',
  'outcome.done': '{what}.',
  'outcome.withWarning': '{what}, mit einer Warnung: {warning}.',
  'outcome.warning.component': '{title} wurde nicht installiert',
  'outcome.warning.step': '{title}: {message}',
  'outcome.warning.seeBelow': 'siehe die Schritte unten',
  'outcome.warning.seeAbove': 'siehe die Schritte oben',
  'outcome.install.failed': 'Die Installation ist fehlgeschlagen.',
  'outcome.install.failedAt': 'Die Installation ist bei Schritt {index} von {count} fehlgeschlagen ({title}).',
  'outcome.install.cancelledBefore':
    'Die Installation wurde vor ihrem ersten Schritt abgebrochen: nichts wurde geändert.',
  'outcome.install.cancelledAt':
    '{during, select, yes {Die Installation wurde bei Schritt {index} von {count} abgebrochen ({title}): nichts wurde geändert.} other {Die Installation wurde nach Schritt {index} von {count} abgebrochen ({title}): nichts wurde geändert.}}',
  'outcome.facts.service': 'Agent-Dienst',
  'outcome.facts.serviceState':
    '{state, select, active {Läuft} inactive {Läuft nicht} absent {Keiner (diese Version hat keinen Dienst)} other {Unbekannt (Setup konnte die Dienstverwaltung nicht fragen)}}',
  'outcome.facts.log': 'Setup-Protokoll',
  'outcome.facts.openLog': 'Protokoll öffnen',
  'outcome.uninstall.cancelled': 'Die Deinstallation wurde abgebrochen.',
  'outcome.uninstall.failed': 'Die Deinstallation ist fehlgeschlagen.',
  'outcome.uninstall.failedNothingRemoved': 'Die Deinstallation ist fehlgeschlagen: nichts wurde entfernt.',
  'outcome.uninstall.notInstalled':
    'Der Mobility-Service-Agent ist hier nicht installiert; es gibt nichts zu entfernen.',
  'outcome.uninstall.removedFrom': 'Mobility-Service-Agent aus {location} entfernt',
  'outcome.uninstall.removed': 'Mobility-Service-Agent aus seinem Installationsort entfernt',
  'outcome.uninstall.kept': '{removed} (behalten, was nicht von Setup stammt: {kept})',

  'error.remedy': '<b>Was tun:</b> {remedy}',
  'error.caseRemedy': 'Für diesen Fall (auf Englisch): {remedy}',
  'error.about': 'Über {code}',
  'error.aboutText':
    '{title}: {outcome}. Das Setup-Protokoll und die Befehlszeile nennen dieses Problem mit demselben Code, sodass eine Suche danach diesen Lauf findet; „Details kopieren“ fasst Meldung, Abhilfe und Protokollpfad für ein Ticket zusammen.',
  'error.outcome.failed': 'der Lauf ist fehlgeschlagen',
  'error.outcome.invalidInput': 'ein an Setup übergebener Wert ist ungültig',
  'error.outcome.busy': 'ein anderer Setup-Lauf belegt den Computer',
  'error.outcome.cancelled': 'der Lauf wurde abgebrochen',
  'error.copyDetails': 'Details kopieren',
  'error.log': 'Protokoll: {path}',
  'details.title': '{title} ({code})',
  'details.remedy': 'Was tun: {remedy}',
  'details.caseRemedy': 'Für diesen Fall (auf Englisch): {remedy}',
  'details.reference': 'Referenz: {link}',
  'details.log': 'Protokoll: {path}',
  'details.time': 'Zeit: {time} ({iso})',
  'details.setupVersion': 'Setup-Version: {version}',
  'details.agentVersion': 'Agent-Version: {version}',
  'details.unknown': 'unbekannt',

  'copy.copied': 'Kopiert',
  'copy.unavailable': 'Die Zwischenablage ist hier nicht verfügbar: markieren Sie den Text und kopieren Sie ihn',

  'bytes.gib': '{size} GiB',
  'bytes.mib': '{size} MiB',
  'bytes.kib': '{size} KiB',
};
