import type { messagesEnWizard } from './messages-en-wizard';

// German: the frame, Installation Option, the prerequisites, the fields' messages, Configuration Server
// Details and Registered. The English file's ids, no more and no fewer (TypeScript and messages.test.ts).

export const messagesDeWizard: Readonly<Record<keyof typeof messagesEnWizard, string>> = {
  'common.back': 'Zurück',
  'common.cancel': 'Abbrechen',
  'common.close': 'Schließen',
  'common.browse': 'Durchsuchen…',
  'common.loadFromFile': 'Aus Datei laden…',
  'common.showCommandLine': 'Befehlszeile anzeigen',
  'common.whatToDo': 'Was tun: {remedy}',

  'app.starting': 'Mobility Service Setup wird gestartet…',
  'app.cannotStart': 'Mobility Service Setup kann nicht starten',
  'app.openingPush': 'Verteilen auf Server wird geöffnet…',
  'app.openingLogs': 'Protokolle werden geöffnet…',

  'product.name': 'Mobility Service Setup',
  'product.setup': 'Mobility Service Setup {setupVersion}',
  'product.setupAndAgent':
    'Mobility Service Setup {setupVersion} · {which, select, installed {installierter Agent} other {Agent-Paket}} {agentVersion}',

  'frame.viewLogs': 'Protokolle anzeigen',
  'frame.exit': 'Beenden',
  'frame.steps': 'Setup-Schritte',
  'frame.stepCount': 'Schritt {index} von {count}: {label}',
  // Soft hyphens (U+00AD) where a compound may break: Chromium and Electron hyphenate German only with
  // dictionaries they do not ship on Linux, and the sidebar otherwise broke "Konfigurationsserve r".
  'step.installationOption': 'Installations\u00ADoption',
  'step.installationProgress': 'Installations\u00ADfortschritt',
  'step.configurationServer': 'Details zum Konfigurations\u00ADserver',
  'step.register': 'Registrierung',
  'step.uninstall': 'Deinstallation',
  'step.pushServers': 'Auf Server verteilen',
  'step.pushHostKeys': 'Host\u00ADschlüssel der Server',
  'step.pushProgress': 'Verteilungs\u00ADfortschritt',
  'step.fleetStatus': 'Flotten\u00ADstatus',

  'option.whatToInstall': 'Was installiert wird',
  'option.role.ms': 'Mobility Service installieren',
  'option.role.mt': 'Master-Target installieren',
  'option.location': 'Installationsort',
  'option.kindLocked':
    'Rolle und Plattform sind die des installierten Agents. Um eine andere Rolle oder Plattform zu installieren, deinstallieren Sie ihn zuerst.',
  'option.platform': 'Plattform',
  'option.platform.vmware': 'Virtueller VMware-Computer oder physischer Server',
  'option.platform.azure': 'Virtueller Azure-Computer',
  'option.installedAt': 'Version {version} ist in {location} installiert.',
  'option.installed.heading': 'Installierter Agent',
  'option.installed.version': 'Version',
  'option.installed.location': 'Ort',
  'option.installed.role': 'Rolle',
  'option.installed.registration': 'Registrierung',
  'option.installed.roleName': '{role, select, MT {Master-Target (MT)} other {Mobility Service (MS)}}',
  'option.installed.platformName': '{platform, select, Azure {Azure} other {VMware oder physisch (VmWare)}}',
  'option.installed.registeredWith': 'registriert bei {endpoint} (Host {hostId})',
  'option.installed.notRegistered': 'nicht registriert',
  'option.installed.hint':
    'Installieren (unten) repariert oder aktualisiert ihn; Deinstallieren entfernt ihn von diesem Server.',
  'option.uninstall': 'Deinstallieren…',
  'option.prerequisites': 'Voraussetzungen',
  'option.mode.upgrade':
    'Im Repository liegt ein neueres Agent-Paket: Weiter aktualisiert den installierten Agent {from} → {to} an Ort und Stelle.',
  'option.mode.repair':
    'Im Repository liegt die installierte Version: Weiter repariert den installierten Agent {from}.',
  'ready.title':
    '{mode, select, upgrade {Bereit zum Aktualisieren} repair {Bereit zum Reparieren} other {Bereit zur Installation}}',
  'ready.intro':
    '{mode, select, upgrade {Noch wurde nichts geändert. Die Aktualisierung ersetzt den installierten Agent an Ort und Stelle und behält Einstellungen und Registrierung.} repair {Noch wurde nichts geändert. Die Reparatur installiert dieselbe Version erneut über den installierten Agent und behält Einstellungen und Registrierung.} other {Noch wurde nichts geändert. Die Installation legt den Agent wie folgt an.}}',
  'ready.what': 'Was',
  'ready.version': 'Agent-Version',
  'ready.versionChange': '{from} → {to}',
  'ready.registrationKept': 'Bleibt: registriert bei {endpoint}',
  'ready.start':
    '{mode, select, upgrade {{from} → {to} aktualisieren} repair {{from} reparieren} other {Installieren}}',
  'option.next': 'Weiter',
  'option.otherServers': 'Andere Server',
  'option.otherServers.hint': 'Den Mobility Service über SSH auf Linux-Server installieren, viele gleichzeitig.',

  'help.summary': 'Welche Rolle und Plattform?',
  'help.ms.term': 'Mobility Service (MS)',
  'help.ms.text':
    'Installieren Sie ihn auf jedem VMware-VM und physischen Server, den Sie replizieren möchten: Er erfasst die Schreibvorgänge auf dem Computer und leitet sie an den Prozessserver von Site Recovery weiter.',
  'help.mt.term': 'Master-Target (MT)',
  'help.mt.text':
    'Installieren Sie es nur auf einem Server, der replizierte Daten empfangen soll, etwa dem Master-Target-Server für das Failback aus Azure; die geschützten Computer erhalten den Mobility Service.',
  'help.vmware.term': 'Virtueller VMware-Computer oder physischer Server',
  'help.vmware.text':
    'Für VMware-VMs und physische Server. Wenn Sie Azure-VMs als physische Computer behandeln, wählen Sie auch dies.',
  'help.azure.term': 'Virtueller Azure-Computer',
  'help.azure.text': 'Für Azure-VMs.',

  'prereq.checking': 'Dieser Computer wird geprüft…',
  'prereq.checkingAgain': 'Erneute Prüfung…',
  'prereq.waiting': 'Wird erneut geprüft, sobald der Installationsort gültig ist.',
  'prereq.list': 'Prüfung der Voraussetzungen',
  'prereq.row': '<b>{title}</b><hidden>: {verdict}</hidden>: {message}',
  'prereq.rowAtField': '<b>{title}</b><hidden>: {verdict}</hidden>: siehe die Meldung unter dem Feld Installationsort.',
  'prereq.verdict.passed': 'erfüllt',
  'prereq.verdict.failed': 'nicht erfüllt',
  'prereq.verdict.notChecked': 'nicht geprüft',
  'prereq.news.allPassed':
    '{total, plural, one {Die Voraussetzung ist erfüllt.} other {Alle # Voraussetzungen sind erfüllt.}}',
  'prereq.news.failed':
    '{failed} von {total, plural, one {# Voraussetzung} other {# Voraussetzungen}} nicht erfüllt: {checks}.',
  'prereq.news.changed': '{title}: {verdict}.',
  'check.elevation': 'Administratorrechte',
  'check.architecture': '64-Bit-System',
  'check.os': 'Unterstütztes Betriebssystem',
  'check.package': 'Agent-Paket',
  'check.location': 'Installationsort',
  'check.disk': 'Freier Speicherplatz',
  'check.version': 'Installierte Version',

  'location.enter': 'Geben Sie einen Installationsort ein',
  'location.notUtf8': 'Der Installationsort ist kein gültiger UTF-8-Text (er enthält Bytes, die keine Zeichen sind)',
  'location.nameTooLong':
    'Der Ordnername „{name}…“ im Installationsort ist {bytes} Bytes lang; erlaubt sind höchstens {max}',
  'location.empty': 'Der Installationsort ist leer',
  'location.spacesAround': '„{path}“ beginnt oder endet mit Leerzeichen',
  'location.tooLong': 'Der Installationsort ist länger als {max} Zeichen',
  'location.controlCharacter': 'Der Installationsort enthält ein Steuerzeichen',
  'location.notAbsolute':
    '{platform, select, win32 {„{path}“ ist kein absoluter Pfad (er muss mit einem Laufwerk beginnen, etwa C:\\)} other {„{path}“ ist kein absoluter Pfad (er muss mit / beginnen)}}',
  'location.dotComponents': '„{path}“ enthält „.“- oder „..“-Bestandteile; geben Sie den einfachen absoluten Pfad an',
  'location.systemFolder': '„{path}“ ist ein Systemordner; installieren Sie in einen eigenen Ordner, etwa {suggestion}',
  'location.systemFolderBelow': '„{path}“ ist ein Systemordner; installieren Sie in einen eigenen Ordner darunter',
  'location.insideSystemFolder': '„{path}“ liegt im Systemordner {folder}',
  'location.windowsCharacter': '„{path}“ enthält ein Zeichen, das Windows in Ordnernamen nicht erlaubt ({characters})',
  'location.windowsNameEnd': '„{path}“ hat einen Ordnernamen, der mit einem Leerzeichen oder Punkt endet',
  'location.listSeparator':
    '„{path}“ enthält „:“ oder „;“, die die Laufzeit des Agenten als Listentrenner liest; wählen Sie einen Pfad ohne sie',

  'endpoint.expected':
    'erwartet wird eine IPv4-Adresse (10.0.0.5), eine IPv6-Adresse (fd00::5) oder eine davon mit Port (10.0.0.5:443, [fd00::5]:443)',
  'endpoint.empty': 'Die Adresse des Konfigurationsservers ist leer; {expected}',
  'endpoint.spacesAround': '„{text}“ ist von Leerzeichen umgeben; {expected}',
  'endpoint.url': '„{text}“ ist eine URL; geben Sie nur Adresse und Port an, {expected}',
  'endpoint.unclosedBracket': '„{text}“ öffnet „[“, ohne es zu schließen; {expected}',
  'endpoint.afterAddress': '„{text}“ hat „{rest}“ nach der Adresse; {expected}',
  'endpoint.invalidPort': '„{text}“ hat einen ungültigen Port „{port}“; ein Port ist eine Zahl von 1 bis 65535',
  'endpoint.portRange': '„{text}“ hat den Port {port}, außerhalb von 1-65535',
  'endpoint.ipv6Zone':
    '„{text}“ hat eine IPv6-Zone („%...“); geben Sie eine globale oder Unique-Local-Adresse des Konfigurationsservers an',
  'endpoint.notIpv6': '„{text}“ ist keine gültige IPv6-Adresse; {expected}',
  'endpoint.notIpv6Unbracketed':
    '„{text}“ ist keine gültige IPv6-Adresse (schreiben Sie einen Port als [Adresse]:Port); {expected}',
  'endpoint.notIpv4': '„{text}“ ist keine gültige IPv4-Adresse; {expected}',
  'endpoint.unspecified':
    '„{text}“ ist die unspezifizierte Adresse (jede Adresse, für einen lauschenden Socket), keine Serveradresse; die eigene IP-Adresse des Konfigurationsservers angeben',
  'endpoint.hostAndPort': '{host}. Außerdem: {port}',
  'endpoint.hostName':
    '„{text}“ ist ein Hostname; der Konfigurator braucht die IP-Adresse des Konfigurationsservers; {expected}',

  'config.installed': 'Der Mobility Service {version} ist in {location} installiert.',
  'config.specify': 'Geben Sie IP-Adresse und Passphrase des Konfigurationsservers an.',
  'config.registeredWith':
    'Er ist derzeit bei {endpoint} registriert; die Registrierung bei einem anderen Server verschiebt ihn dorthin.',
  'config.ip': 'IP-Adresse',
  'config.ip.placeholder': '10.0.0.5 oder [fd00::5]:443',
  'config.passphrase': 'Passphrase',
  'config.passphrase.show': 'Passphrase anzeigen',
  'config.passphrase.hide': 'Passphrase verbergen',
  'config.passphrase.hint':
    'Die Passphrase wird nie an den Server gesendet oder protokolliert: Setup und Server beweisen einander, dass sie sie kennen.',
  'config.failed': 'Registrierung fehlgeschlagen',
  'config.cancelled': 'Registrierung abgebrochen',
  'config.register': 'Registrieren',
  'config.registering': 'Wird registriert…',
  'config.installationOptions': 'Installationsoptionen',
  'config.missing.endpoint': 'Geben Sie die IP-Adresse des Konfigurationsservers ein.',
  'config.missing.correctEndpoint': 'Korrigieren Sie die IP-Adresse.',
  'config.missing.passphrase': 'Geben Sie die Passphrase ein, oder laden Sie sie aus der Passphrase-Datei.',
  'config.field.endpoint': 'Geben Sie die IP-Adresse des Konfigurationsservers ein',
  'config.field.passphrase': 'Geben Sie die Passphrase ein',
  'config.field.passphraseRejected':
    'Der Konfigurationsserver hat diese Passphrase abgelehnt; prüfen Sie sie und versuchen Sie es erneut',
  'config.field.unreachable': 'Unter dieser Adresse hat kein Konfigurationsserver geantwortet',

  'finish.title': 'Registriert',
  'finish.banner': 'Der Mobility Service ist beim Konfigurationsserver registriert.',
  'finish.server': 'Konfigurationsserver',
  'finish.registeredAt': 'Registriert am',
  'finish.hostId': 'Host-ID',
  'finish.copyHostId': 'Host-ID kopieren',
  'finish.fingerprint': 'Serverzertifikat (SHA-256)',
  'finish.copyFingerprint': 'Fingerabdruck kopieren',
  'finish.next': 'Nächster Schritt',
  'finish.next.mt':
    'Dieser Server kann jetzt als Master-Target gewählt werden, wenn Sie im Azure-Portal das Failback (erneutes Schützen) aus Azure einrichten.',
  'finish.next.ms':
    'Aktivieren Sie die Replikation für diesen Computer: Öffnen Sie im Azure-Portal den Recovery Services-Tresor, wählen Sie <b>Replikation aktivieren</b>, wählen Sie den Konfigurationsserver {endpoint} als Quelle und wählen Sie diesen Computer aus.',
  'finish.changeServer': 'Konfigurationsserver ändern',
  'finish.newer.heading': 'Aktualisierung verfügbar',
  'finish.newer': 'Im Repository liegt ein neueres Agent-Paket: {from} → {to}.',
  'finish.upgrade': '{from} → {to} aktualisieren…',
  'finish.repair': 'Reparieren, aktualisieren oder deinstallieren',
};
