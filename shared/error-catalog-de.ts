import type { ErrorCode } from './error-catalog';

// The error catalog's titles and remedies in German, for the wizard when it runs in German. A Record over
// ErrorCode, so a code added to the catalog fails to typecheck until it is translated here too. Command
// names, options and file patterns stay as an admin types them. docs/errors.md stays English.

export interface ErrorText {
  readonly title: string;
  readonly remedy: string;
}

export const ERROR_CATALOG_DE: Readonly<Record<ErrorCode, ErrorText>> = {
  INVALID_ARGUMENT: {
    title: 'Ungültige Befehlszeile oder Eingabe',
    remedy:
      'Korrigieren Sie den oben genannten Wert; mit --help (oder /?) zeigt der Befehl alle Optionen und ihre erwartete Form.',
  },
  NOT_ELEVATED: {
    title: 'Administratorrechte sind erforderlich',
    remedy:
      'Führen Sie Setup unter Linux als root aus (zum Beispiel mit sudo) oder unter Windows aus einer Eingabeaufforderung mit erhöhten Rechten (Als Administrator ausführen).',
  },
  UNSUPPORTED_OS: {
    title: 'Dieses Betriebssystem wird nicht unterstützt',
    remedy:
      'Installieren Sie den Agent auf einem 64-Bit-Betriebssystem aus der Support-Matrix (siehe README, „Supported systems“).',
  },
  PACKAGE_NOT_FOUND: {
    title: 'Kein Agent-Paket für dieses Betriebssystem',
    remedy:
      'Kopieren Sie das Microsoft-ASR_UA_*_<OS label>_*_release.tar.gz für dieses System aus dem Repository des Konfigurationsservers in den Repository-Ordner, oder geben Sie mit --repository den Ordner an, der es enthält.',
  },
  PACKAGE_INVALID: {
    title: 'Das Agent-Paket ist beschädigt oder unsicher',
    remedy:
      'Kopieren Sie das Paket erneut aus dem Repository des Konfigurationsservers (die Kopie ist vielleicht unvollständig oder manipuliert); aus ihm wurde nichts installiert.',
  },
  INSUFFICIENT_DISK_SPACE: {
    title: 'Nicht genügend freier Speicherplatz',
    remedy:
      'Geben Sie auf diesem Dateisystem den oben genannten Platz frei, oder wählen Sie einen Installationsort auf einem anderen Dateisystem.',
  },
  INSTALL_LOCATION_INVALID: {
    title: 'Der Installationsort kann nicht verwendet werden',
    remedy:
      'Wählen Sie einen absoluten Pfad zu einem neuen oder leeren Ordner außerhalb der Systemordner, zum Beispiel /usr/local/ASR.',
  },
  NEWER_VERSION_INSTALLED: {
    title: 'Eine neuere Agent-Version ist bereits installiert',
    remedy:
      'Behalten Sie die installierte Version, oder verwenden Sie ein Paket derselben oder einer neueren Version; ein Downgrade wird abgelehnt, damit keine Replikationseinstellungen verloren gehen.',
  },
  INSTALLED_AGENT_DIFFERS: {
    title: 'Der installierte Agent hat eine andere Rolle oder Plattform',
    remedy:
      'Behalten Sie Rolle und Plattform des installierten Agents, um ihn zu reparieren oder zu aktualisieren, oder deinstallieren Sie ihn zuerst und installieren Sie dann die andere Art.',
  },
  ANOTHER_INSTALL_RUNNING: {
    title: 'Eine andere Installation läuft bereits',
    remedy: 'Warten Sie, bis der andere Setup-Lauf beendet ist, und starten Sie diesen dann erneut.',
  },
  INSTALL_FAILED: {
    title: 'Die Installation ist fehlgeschlagen und wurde zurückgesetzt',
    remedy:
      'Lesen Sie im oben genannten Setup-Protokoll, welcher Schritt fehlschlug; der Computer ist so, wie er vor diesem Lauf war.',
  },
  COMPONENT_FAILED: {
    title: 'Eine erforderliche Komponente konnte nicht installiert werden',
    remedy:
      'Lesen Sie die Ausgabe der Komponente im Setup-Protokoll; die Installation wurde zurückgesetzt, beheben Sie also die Ursache und führen Sie Setup erneut aus.',
  },
  CANCELLED: {
    title: 'Setup wurde abgebrochen',
    remedy: 'Es wurde nichts geändert. Führen Sie Setup erneut aus, wenn Sie bereit sind.',
  },
  NOT_INSTALLED: {
    title: 'Der Mobility Service ist hier nicht installiert',
    remedy:
      'Installieren Sie zuerst den Agent (UnifiedAgent /Role MS ... oder ./install -r MS ...), oder geben Sie den Installationsort mit /InstallLocation oder -d an.',
  },
  PASSPHRASE_FILE_UNREADABLE: {
    title: 'Die Passphrase-Datei kann nicht gelesen werden',
    remedy:
      'Geben Sie den vollständigen Pfad einer lesbaren, nicht leeren Datei mit der Passphrase des Konfigurationsservers an (auf dem Konfigurationsserver: genpassphrase.exe -v > passphrase.txt).',
  },
  CS_UNREACHABLE: {
    title: 'Der Konfigurationsserver ist nicht erreichbar',
    remedy:
      'Prüfen Sie IP-Adresse und Port des Konfigurationsservers, ob der Server läuft und ob die Firewall HTTPS von diesem Computer zulässt.',
  },
  CS_AUTH_FAILED: {
    title: 'Der Konfigurationsserver hat die Passphrase abgelehnt',
    remedy:
      'Prüfen Sie die Passphrase auf dem Konfigurationsserver (genpassphrase.exe -v) und geben Sie genau diese Passphrase ein.',
  },
  CS_PROTOCOL_ERROR: {
    title: 'Der Konfigurationsserver hat unerwartet geantwortet',
    remedy:
      'Prüfen Sie, ob die Adresse zu einem Konfigurationsserver in einer unterstützten Version gehört, und versuchen Sie es erneut.',
  },
  CS_RATE_LIMITED: {
    title: 'Der Konfigurationsserver lehnt Versuche vorerst ab',
    remedy: 'Warten Sie die oben genannte Zeit ab, prüfen Sie die Passphrase und versuchen Sie es dann erneut.',
  },
  PUSH_UNREACHABLE: {
    title: 'Der Server ist über SSH nicht erreichbar',
    remedy:
      'Prüfen Sie, ob der Server läuft, ob Adresse und SSH-Port stimmen und ob eine Firewall SSH von diesem Computer durchlässt (wie ASR-Push-Fehler 95117: der Quellcomputer ist nicht erreichbar).',
  },
  PUSH_TIMEOUT: {
    title: 'Der Server ist nicht innerhalb der Zeitgrenze fertig geworden',
    remedy:
      'Prüfen Sie den Server (Last, Datenträger, Netzwerk dorthin); sein Setup-Protokoll zeigt, wie weit er gekommen ist. Geben Sie ein längeres --host-timeout an, wenn er nur langsam ist.',
  },
  PUSH_NOT_STARTED: {
    title: 'Die Verteilung wurde vor diesem Server angehalten',
    remedy:
      'Beheben Sie, was auf den oben genannten Servern fehlgeschlagen ist, und führen Sie denselben Befehl mit --resume ERGEBNISDATEI erneut aus, um nur die Server zu bearbeiten, bei denen es nicht gelungen ist.',
  },
  PUSH_AUTH_FAILED: {
    title: 'Der Server hat die SSH-Anmeldedaten abgelehnt',
    remedy:
      'Prüfen Sie den Benutzernamen und die Schlüsseldatei oder das Kennwort; für ein Kennwort braucht der Server PasswordAuthentication yes in sshd_config (wie ASR-Push-Fehler 95108: die Anmeldedaten sind ungültig).',
  },
  PUSH_HOST_KEY_UNKNOWN: {
    title: 'Der SSH-Hostschlüssel des Servers ist nicht bekannt',
    remedy:
      'Vergleichen Sie den oben genannten Fingerabdruck mit dem Server (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub an seiner Konsole) und fügen Sie ihn dann zur Known-Hosts-Datei hinzu, oder starten Sie erneut mit --accept-new-host-keys.',
  },
  PUSH_HOST_KEY_CHANGED: {
    title: 'Der SSH-Hostschlüssel des Servers hat sich geändert',
    remedy:
      'Jemand fängt die Verbindung vielleicht ab, oder der Server wurde neu installiert. Vergleichen Sie den neuen Fingerabdruck mit dem Server; erst dann entfernen Sie den alten Eintrag (ssh-keygen -R HOST) und starten erneut. Es wurden keine Anmeldedaten gesendet.',
  },
  PUSH_NOT_ROOT: {
    title: 'Der SSH-Benutzer kann auf dem Server nicht als root handeln',
    remedy:
      'Verteilen Sie als root oder als Benutzer, der mit sudo ohne Kennwort Befehle als root ausführen darf (NOPASSWD in sudoers) (wie ASR-Push-Fehler 95108: das Konto ist nicht root).',
  },
  PUSH_COPY_FAILED: {
    title: 'Das Release konnte nicht auf den Server kopiert werden',
    remedy:
      'Prüfen Sie den freien Platz in /tmp des Servers und ob die Verbindung stabil ist, und starten Sie dann erneut; ein erneuter Lauf erledigt nur, was noch fehlt (wie ASR-Push-Fehler 95103: die Push-Installation konnte den Agent nicht kopieren).',
  },
};
