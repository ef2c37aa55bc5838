import type { messagesEnPush } from './messages-en-push';

// German: the "Push to servers" pages (servers, host keys, progress).

export const messagesDePush: Readonly<Record<keyof typeof messagesEnPush, string>> = {
  'push.intro':
    'Den Mobility Service von diesem Computer aus über SSH auf Linux-Server installieren: Setup kopiert das Installationsprogramm auf jeden Server, installiert es dort und registriert es beim Konfigurationsserver. Nichts hier braucht Administratorrechte auf diesem Computer.',
  'push.servers': 'Server',
  'push.servers.hint': 'Ein Server pro Zeile: [Benutzer@]Host[:Port]; # beginnt einen Kommentar.',
  'push.servers.count': '{count, plural, one {# Server.} other {# Server.}}',
  'push.servers.line': 'Zeile {line}: {message}',
  'push.servers.tooManyLines': 'höchstens {max} Zeilen',
  'push.servers.lineTooLong': 'eine Zeile mit höchstens {max} Zeichen',
  'push.user': 'Benutzername',
  'push.user.problem': 'Geben Sie einen Benutzernamen ein, etwa root.',
  'push.signIn': 'Anmelden mit',
  'push.auth.key': 'SSH-Schlüsseldatei',
  'push.auth.password': 'SSH-Kennwort',
  'push.keyFile': 'Schlüsseldatei',
  'push.keyFile.problem': 'Geben Sie den absoluten Pfad der Schlüsseldatei ein, oder wählen Sie sie mit Durchsuchen….',
  'push.password': 'Kennwort',
  'push.password.show': 'Kennwort anzeigen',
  'push.password.hide': 'Kennwort verbergen',
  'push.cs': 'Konfigurationsserver (leer lassen, um nur zu installieren)',
  'push.passphrase.hint':
    'Jeder Server beweist dem Konfigurationsserver, dass er die Passphrase kennt; sie wird nie gesendet oder protokolliert.',
  'push.parallel': 'Parallele Installationen',
  'push.parallel.problem': 'Geben Sie eine ganze Zahl von 1 bis 256 ein.',
  'push.jump': 'Über Bastion (optional)',
  'push.jump.hint':
    '[Benutzer@]Host[:Port]; bei einer Kette ein Komma zwischen den Stationen. Ihr Hostschlüssel wird wie der eines Servers geprüft.',
  'push.jump.problem': 'Geben Sie [Benutzer@]Host[:Port] ein, mit einem Komma zwischen den Stationen.',
  'push.rollout': 'Gestaffelte Verteilung (optional)',
  'push.canary': 'Kanarienserver',
  'push.canary.hint': 'Diese ersten Server kommen zuerst; schlägt einer fehl, wird kein weiterer gestartet.',
  'push.canary.problem': 'Geben Sie eine ganze Zahl von 1 bis 10000 ein oder lassen Sie das Feld leer.',
  'push.maxFailures': 'Höchstens Fehlschläge',
  'push.maxFailures.hint': 'Eine Anzahl Server oder ein Prozentsatz (10%); darüber hinaus startet kein neuer Server.',
  'push.maxFailures.problem':
    'Geben Sie eine Zahl (2) oder einen Prozentsatz bis 100% (10%) ein oder lassen Sie das Feld leer.',
  'push.keys.bastion': '{host} (Bastion)',
  'push.next': 'Weiter',

  'push.keys.intro':
    'Setup prüft den SSH-Hostschlüssel jedes Servers, bevor es sich anmeldet. Vergleichen Sie den Fingerabdruck eines neuen Schlüssels mit dem, den der Server an seiner Konsole zeigt (<code>{command}</code>), bevor Sie ihn annehmen; angenommene Schlüssel kommen in Ihre Known-Hosts-Datei.',
  'push.keys.reading': 'Die Hostschlüssel von {count, plural, one {# Server} other {# Servern}} werden gelesen…',
  'push.keys.table': 'Hostschlüssel der Server',
  'push.keys.server': 'Server',
  'push.keys.keyType': 'Schlüsseltyp',
  'push.keys.fingerprint': 'Fingerabdruck (SHA-256)',
  'push.keys.hostKey': 'Hostschlüssel',
  'push.keys.known': 'Bekannt',
  'push.keys.accept': 'Annehmen<hidden>: den Hostschlüssel von {host}</hidden>',
  'push.keys.changed':
    '<b>Geändert</b> <code>{errorCode}</code>: Die Verteilung lehnt diesen Server ab. Die Known-Hosts-Datei verzeichnet {recorded}. {remedy}',
  'push.keys.anotherKey': 'einen anderen Schlüssel',
  'push.keys.revoked':
    '<b>Widerrufen</b>: Die Known-Hosts-Datei kennzeichnet diesen Schlüssel als widerrufen; die Verteilung lehnt diesen Server ab.',
  'push.keys.unreachable': '<b>Nicht erreichbar</b> <code>{errorCode}</code>: {error}. {remedy}',
  'push.keys.noAnswer': 'keine Antwort',
  'push.keys.blocked':
    'Die Verteilung beginnt erst, wenn der Schlüssel jedes Servers bekannt oder angenommen ist: Beheben Sie die oben markierten Server und prüfen Sie erneut, oder gehen Sie zurück und entfernen Sie sie aus der Liste.',
  'push.keys.acceptEach': 'Nehmen Sie jeden neuen Hostschlüssel an, um die Verteilung zu starten.',
  'push.keys.scanAgain': 'Erneut prüfen',
  'push.keys.start': 'Verteilung starten',

  'push.step.connect': 'Verbinden',
  'push.step.detect': 'System erkennen',
  'push.step.copy': 'Installationsprogramm kopieren',
  'push.step.install': 'Installieren',
  'push.step.register': 'Registrieren',
  'push.status':
    '{status, select, Waiting {Wartet} Running {Läuft} Succeeded {Erfolgreich} Warning {Warnung} Unchanged {Unverändert} NotStarted {Nicht gestartet} other {Fehlgeschlagen}}',
  'push.finished':
    'Verteilung beendet: <b>{status}</b> ({done} von {total, plural, one {# Server} other {# Servern}} fertig, {failed} fehlgeschlagen)',
  'push.running':
    'Verteilung auf {total, plural, one {# Server} other {# Server}}: {running} laufen, {waiting} warten.',
  'push.table': 'Server',
  'push.col.server': 'Server',
  'push.col.os': 'Betriebssystem',
  'push.col.step': 'Schritt',
  'push.col.progress': 'Fortschritt',
  'push.col.status': 'Status',
  'push.col.log': 'Protokoll',
  'push.progressOf': 'Fortschritt von {host}',
  'push.viewLog': 'Protokoll anzeigen<hidden> von {host}</hidden>',
  'push.notStarted': 'Die Verteilung hat nicht begonnen',
  'push.notSaved': 'Die Ergebnisse wurden nicht gespeichert',
  'push.saved': 'Ergebnisse gespeichert unter <code>{path}</code>',
  'push.backToServers': 'Zurück zu den Servern',
  'push.saveCsv': 'Ergebnisse als CSV speichern',
  'push.retryFailed': 'Fehlgeschlagene wiederholen',
};
