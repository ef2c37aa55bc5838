#!/bin/sh
# install_linux.sh: installs, registers or upgrades the Azure Site Recovery Mobility service agent on a Linux
# server, for a Configuration Manager (or any other deployment tool's) package. The package folder holds this
# script and the self-contained releases (pack-agent --with-installer), one or more per OS label:
#   Microsoft-ASR_UA_<version>_<OS label>_GA_<DDMonYYYY>_release.tar.gz
#
# Usage (as root):
#   install_linux.sh -i CS_IP[:PORT] -P PASSPHRASE_FILE [-d INSTALL_LOCATION] [-r MS|MT] [-v VmWare|Azure]
#                    [-s SOURCE_DIR]
#   install_linux.sh --print-os-label [--root DIR]
#
# Like Microsoft's documented Configuration Manager script, it decides from /usr/local/.vx_version:
#   - no .vx_version: install the release for this server's OS label, then register (install);
#   - AGENT_CONFIGURATION_STATUS is not Succeeded: register only, no reinstall (configure);
#   - registered, and SOURCE_DIR has a newer release for this OS label than VERSION: run that release's
#     ./install, an in-place upgrade that keeps the registration (upgrade);
#   - registered, nothing newer: nothing to do.
# The OS label is detected by the installer's rules: /etc/os-release (ID, VERSION_ID; major.minor for the
# RHEL family), else /etc/oracle-release, /etc/redhat-release or /etc/centos-release, /etc/SuSE-release,
# matched against the support matrix (the OS_LABELS block of os_label.sh beside it, generated from shared/support-matrix.ts).
# A release is unpacked into a private folder (mktemp -d, 0700) that is removed however the run ends.
#
# -i  the configuration server, IPv4[:PORT] or [IPv6][:PORT] (port 443 when left out)
# -P  a file holding the configuration server passphrase. Only its path is handed on (to
#     UnifiedAgentConfigurator.sh -P); the passphrase is never read, printed, logged or put on a command line.
# -d  where to install (default /usr/local/ASR; an upgrade keeps the recorded INSTALLATION_DIR)
# -r  MS (Mobility service, default) or MT (master target); -v VmWare (default) or Azure. An upgrade keeps the
#     recorded ROLE and PLATFORM unless -r or -v are given.
# -s  the folder holding the releases (default: this script's folder)
# --print-os-label  print this server's OS label as the installer detects it (under --root DIR for a copy of
#     another system's release files) and exit 0, or name the system and exit 1 when it is not supported.
#
# Exit codes (0 is success to Configuration Manager; give 3 as a retry code where the deployment tool lets you):
#   0  success: installed and registered, registered, upgraded, or nothing to do
#   1  failure: the message names the error code (the installer's or the configurator's) and its remedy
#   2  invalid arguments (missing -i or -P, an unreadable passphrase file, an unknown option...)
#   3  another installation is running on this server; retry later
# Every run appends one line (no secrets) to /var/log/ASRSetupLogs/configmgr_install.log; the installer's
# and configurator's own logs are in the same folder.

set -eu
# The installer and configurator get the usual root umask, whatever the deployment tool's; the private work
# folder is made 0700 by mktemp -d.
umask 022
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
LC_ALL=C
export LC_ALL


VX_VERSION_FILE=/usr/local/.vx_version
LOG_DIR=/var/log/ASRSetupLogs
LOG_FILE=$LOG_DIR/configmgr_install.log
ME=install_linux.sh

cs_endpoint=
passphrase_file=
passphrase_given=
install_location=
role=
platform=
source_dir=
print_label=
root=/
work=
action=
chosen_version=
label=
done_logging=

usage() {
  cat <<'EOF'
Usage: install_linux.sh -i CS_IP[:PORT] -P PASSPHRASE_FILE [-d INSTALL_LOCATION] [-r MS|MT] [-v VmWare|Azure]
                        [-s SOURCE_DIR]
       install_linux.sh --print-os-label [--root DIR]
Installs (then registers), registers, or upgrades the Mobility service agent as /usr/local/.vx_version says.
Exit codes: 0 success or nothing to do, 1 failure, 2 invalid arguments, 3 another installation is running.
EOF
}

say() { printf '%s\n' "$*"; }

# A failure: "Error CODE: message" and "Remedy: ..." on standard error, then exit 1.
fail() {
  printf 'Error %s: %s\nRemedy: %s\n' "$1" "$2" "$3" >&2
  exit 1
}

# Invalid arguments: the problem and the fix, then exit 2.
invalid() {
  printf 'Error INVALID_ARGUMENT: %s\nRemedy: %s\n' "$1" "$2" >&2
  usage >&2
  exit 2
}

# shellcheck disable=SC2317 # log_run and cleanup run from the EXIT trap.
# One line per run in the setup log folder: what was decided and how it ended. Never the passphrase (nor
# its file's name, in case someone gave the passphrase itself as -P).
log_run() {
  code=$1
  [ -n "$done_logging" ] && return 0
  done_logging=1
  [ -n "$print_label" ] && return 0
  [ "$(id -u)" = 0 ] || return 0
  if ! mkdir -p "$LOG_DIR" 2>/dev/null; then return 0; fi
  chmod 755 "$LOG_DIR" 2>/dev/null || true
  {
    printf '%s %s action=%s label=%s version=%s cs=%s exit=%s\n' \
      "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$ME" "${action:-none}" "${label:--}" "${chosen_version:--}" \
      "${cs_endpoint:--}" "$code"
  } >>"$LOG_FILE" 2>/dev/null || true
  chmod 644 "$LOG_FILE" 2>/dev/null || true
}

# shellcheck disable=SC2317
cleanup() {
  code=$?
  trap - EXIT
  if [ -n "$work" ] && [ -d "$work" ]; then rm -rf -- "$work"; fi
  log_run "$code"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The OS label rules and the support matrix live beside this script: the package folder holds both files.
script_dir=$(cd -- "$(dirname -- "$0")" && pwd -P)
if ! [ -f "$script_dir/os_label.sh" ] || ! [ -r "$script_dir/os_label.sh" ]; then
  printf 'Error PACKAGE_NOT_FOUND: %s is missing\nRemedy: %s\n' "$script_dir/os_label.sh" \
    "Copy the whole deploy/configmgr folder into the package: install_linux.sh needs os_label.sh beside it." >&2
  exit 1
fi
# shellcheck source=os_label.sh
. "$script_dir/os_label.sh"

# ---- arguments ----------------------------------------------------------------------------------------------

need_value() {
  [ "$2" -ge 2 ] || invalid "$1 needs a value" "Give $1 followed by its value."
}

while [ $# -gt 0 ]; do
  case $1 in
    -i | --cs-endpoint) need_value "$1" $#; cs_endpoint=$2; shift 2 ;;
    -P | --passphrase-file) need_value "$1" $#; passphrase_file=$2; passphrase_given=1; shift 2 ;;
    -d | --install-location) need_value "$1" $#; install_location=$2; shift 2 ;;
    -r | --role) need_value "$1" $#; role=$2; shift 2 ;;
    -v | --platform) need_value "$1" $#; platform=$2; shift 2 ;;
    -s | --source-dir) need_value "$1" $#; source_dir=$2; shift 2 ;;
    --print-os-label) print_label=1; shift ;;
    --root) need_value "$1" $#; root=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *)
      # Not echoed: it could be a passphrase given by mistake.
      invalid "an unknown option or a stray value was given" \
        "Use only the options listed below; give the passphrase in a file with -P FILE, never on the command line."
      ;;
  esac
done

if [ -n "$print_label" ]; then
  [ -d "$root" ] || invalid "--root names no folder" "Give --root the folder that holds the system's etc/."
  require_os_label
  say "$label"
  exit 0
fi
[ "$root" = / ] || invalid "--root is only for --print-os-label" "Leave out --root when installing."

# ---- argument checks ------------------------------------------------------------------------------------------

[ -n "$cs_endpoint" ] || invalid "the configuration server is missing (-i)" \
  "Give -i with the configuration server's IP address, optionally with its port: -i 10.0.0.5 or -i 10.0.0.5:443."
# A first check, before anything is installed; the configurator checks the address fully.
octet='(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
if ! printf '%s\n' "$cs_endpoint" | grep -Eq \
  -e "^($octet\\.){3}$octet(:[0-9]{1,5})?\$" -e '^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$' -e '^[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*$'; then
  invalid "\"$cs_endpoint\" (-i) is not an IP address with an optional port" \
    "Give the configuration server's IP address, optionally with its port: -i 10.0.0.5, -i 10.0.0.5:443 or -i [fd00::5]:443."
fi
if [ -z "$passphrase_given" ] || [ -z "$passphrase_file" ]; then
  invalid "the passphrase file is missing (-P)" \
    "Give -P with the path of a file that holds the configuration server passphrase (genpassphrase.exe -v shows it)."
fi
# The file's name is not printed: it could be the passphrase itself, given by mistake.
if [ ! -e "$passphrase_file" ]; then
  invalid "the passphrase file given with -P does not exist" \
    "Give -P the path of a file that holds the passphrase (the path as this server sees it), never the passphrase itself."
elif [ ! -f "$passphrase_file" ] || [ ! -r "$passphrase_file" ]; then
  invalid "the passphrase file given with -P is not a readable file" \
    "Make it a regular file readable by root (chmod 600), holding only the passphrase."
elif [ ! -s "$passphrase_file" ]; then
  invalid "the passphrase file given with -P is empty" "Write the configuration server passphrase into it."
fi
case $passphrase_file in
  /*) ;;
  *) passphrase_file=$(pwd -P)/$passphrase_file ;;
esac
case ${role:-MS} in MS | MT) ;; *) invalid "-r must be MS or MT" "Give -r MS (Mobility service) or -r MT (master target)." ;; esac
case ${platform:-VmWare} in VmWare | Azure) ;; *) invalid "-v must be VmWare or Azure" "Give -v VmWare or -v Azure." ;; esac
case ${install_location:-/} in
  /*) ;;
  *) invalid "the install location given with -d is not an absolute path" "Give -d an absolute path, e.g. -d /usr/local/ASR." ;;
esac
if [ -z "$source_dir" ]; then
  source_dir=$script_dir
elif [ ! -d "$source_dir" ]; then
  invalid "the source folder given with -s does not exist" "Give -s the folder that holds the release files."
fi
[ "$(id -u)" = 0 ] || fail NOT_ELEVATED "the Mobility service can be installed and registered only by root" \
  "Run the script as root (Configuration Manager runs deployments as root)."

# ---- what is installed ----------------------------------------------------------------------------------------

vx_field() {
  [ -f "$VX_VERSION_FILE" ] || return 0
  sed -n "s/^$1=//p" "$VX_VERSION_FILE" | tail -n 1 | tr -d ' \r'
}

installed_version=$(vx_field VERSION)
installed_dir=$(vx_field INSTALLATION_DIR)
installed_role=$(vx_field ROLE)
installed_platform=$(vx_field PLATFORM)
configuration_status=$(vx_field AGENT_CONFIGURATION_STATUS)
registered_cs=$(vx_field CS_ENDPOINT)

# 0 when dotted version $1 is newer than $2.
version_newer() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    na = split(a, x, "."); nb = split(b, y, "."); n = na > nb ? na : nb
    for (i = 1; i <= n; i++) { if (x[i] + 0 > y[i] + 0) exit 0; if (x[i] + 0 < y[i] + 0) exit 1 }
    exit 1
  }'
}

# Sets release (file) and chosen_version to the newest release for $label in $source_dir, or leaves them empty.
find_release() {
  release='' chosen_version=''
  wanted=$(printf '%s' "$label" | tr '[:lower:]' '[:upper:]')
  for file in "$source_dir"/Microsoft-ASR_UA_*_release.tar.gz; do
    [ -f "$file" ] || continue
    name=${file##*/}
    # grep -E checks the whole name; sed then takes it apart with basic expressions only (RHEL 6's sed 4.2.1
    # has no documented -E).
    printf '%s\n' "$name" | grep -Eq \
      '^Microsoft-ASR_UA_[0-9]{1,5}\.[0-9]{1,5}\.[0-9]{1,5}\.[0-9]{1,5}_[A-Za-z0-9.-]+_GA_[0-9]{2}(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[0-9]{4}_release\.tar\.gz$' ||
      continue
    parsed=$(printf '%s\n' "$name" | sed -n 's/^Microsoft-ASR_UA_\([0-9.]*\)_\([A-Za-z0-9.-]*\)_GA_.*$/\1 \2/p')
    [ -n "$parsed" ] || continue
    file_version=${parsed%% *}
    file_label=$(printf '%s' "${parsed#* }" | tr '[:lower:]' '[:upper:]')
    [ "$file_label" = "$wanted" ] || continue
    if [ -z "$chosen_version" ] || version_newer "$file_version" "$chosen_version"; then
      chosen_version=$file_version
      release=$file
    fi
  done
}

# ---- running the release's installer and the configurator ----------------------------------------------------

# The string value of "key" in the "error" object of a JSON result line (its first occurrence there: the
# error's own code, message or remedy), with JSON escapes undone; nothing when the error is null.
json_error_field() {
  printf '%s\n' "$1" | awk -v key="$2" '{
    at = index($0, "\"error\":{")
    if (at == 0) exit
    s = substr($0, at + 9)
    k = index(s, "\"" key "\":\"")
    if (k == 0) exit
    s = substr(s, k + length(key) + 4)
    out = ""
    for (i = 1; i <= length(s); i++) {
      c = substr(s, i, 1)
      if (c == "\"") break
      if (c == "\\") {
        i++; c = substr(s, i, 1)
        if (c == "n" || c == "r" || c == "t") c = " "
        else if (c == "u") { c = "?"; i += 4 }
      }
      out = out c
    }
    print out
    exit
  }'
}

# Runs a JSON-lines command (the installer or the configurator) with its output in the private folder; on
# failure prints its error code, message and remedy and exits 1 (3 when another installation is running).
run_json() {
  what=$1
  shift
  output=$work/output.$$
  set +e
  "$@" </dev/null >"$output" 2>"$output.err"
  code=$?
  set -e
  result=$(grep '^{"type":"result"' "$output" | tail -n 1 || true)
  status=$(printf '%s\n' "$result" | sed -n 's/.*"status":"\([A-Za-z]*\)".*/\1/p')
  if [ "$code" -eq 0 ]; then
    if [ "$status" = Warning ]; then
      say "$what finished with warnings; see its log in $LOG_DIR."
    fi
    return 0
  fi
  error_code=$(json_error_field "$result" code)
  message=$(json_error_field "$result" message)
  remedy=$(json_error_field "$result" remedy)
  if [ -z "$error_code" ]; then
    error_code=INSTALL_FAILED
    message="$what ended with exit code $code and no result: $(tail -n 3 "$output.err" | tr '\n' ' ')"
    remedy="Read the setup logs in $LOG_DIR."
  fi
  if [ "$code" -eq 3 ]; then
    printf 'Error %s: %s\nRemedy: %s\nAnother installation is running on this server; retry later.\n' \
      "$error_code" "$message" "$remedy" >&2
    exit 3
  fi
  fail "$error_code" "$what failed: $message" "$remedy"
}

# Unpacks the chosen release into a private folder and runs its ./install.
install_release() {
  dir=$1 install_role=$2 install_platform=$3
  work=$(mktemp -d "${TMPDIR:-/tmp}/asr-configmgr.XXXXXXXX")
  chmod 700 "$work"
  top=${release##*/}
  top=${top%.tar.gz}
  if ! tar -xzf "$release" -C "$work" 2>"$work/tar.err"; then
    fail PACKAGE_INVALID "${release##*/} could not be unpacked: $(head -n 2 "$work/tar.err" | tr '\n' ' ')" \
      "Copy the release again from the configuration server repository; it may be truncated."
  fi
  [ -x "$work/$top/install" ] || fail PACKAGE_INVALID "${release##*/} has no $top/install" \
    "Use a self-contained release built with pack-agent --with-installer."
  run_json "The installer" "$work/$top/install" -d "$dir" -r "$install_role" -v "$install_platform" -q --json
  rm -rf -- "$work"
  work=
}

configure() {
  dir=$(vx_field INSTALLATION_DIR)
  dir=${dir:-${install_location:-/usr/local/ASR}}
  configurator=$dir/Vx/bin/UnifiedAgentConfigurator.sh
  [ -x "$configurator" ] || fail NOT_INSTALLED "$configurator is missing" \
    "Reinstall the agent: remove it with $dir/uninstall.sh -Y, then run this script again."
  work=$(mktemp -d "${TMPDIR:-/tmp}/asr-configmgr.XXXXXXXX")
  chmod 700 "$work"
  run_json "Registration" "$configurator" -i "$cs_endpoint" -P "$passphrase_file" --json
  rm -rf -- "$work"
  work=
  say "Registered with the configuration server $cs_endpoint."
}

# ---- decide and act -------------------------------------------------------------------------------------------

if [ -z "$installed_version" ]; then
  action=install
  require_os_label
  find_release
  [ -n "$release" ] || fail PACKAGE_NOT_FOUND \
    "no release for $os_description ($label) in $source_dir: no Microsoft-ASR_UA_*_${label}_GA_*_release.tar.gz" \
    "Add the self-contained release for $label (pack-agent --os $label --with-installer) to the package folder."
  say "Installing the Mobility service $chosen_version ($label) from ${release##*/}."
  install_release "${install_location:-/usr/local/ASR}" "${role:-MS}" "${platform:-VmWare}"
  say "Installed the Mobility service $chosen_version."
  configure
elif [ "$configuration_status" != Succeeded ]; then
  action=configure
  chosen_version=$installed_version
  say "The Mobility service $installed_version is installed but not registered; registering it."
  configure
else
  action=check
  chosen_version=$installed_version
  detect_os
  if [ -n "$os_id" ]; then label_for_os; fi
  if [ -z "$label" ]; then
    say "Nothing to do: the Mobility service $installed_version is installed and registered (this system's OS label is unknown, so no upgrade was looked for)."
    exit 0
  fi
  find_release
  if [ -z "$release" ] || ! version_newer "$chosen_version" "$installed_version"; then
    chosen_version=$installed_version
    say "Nothing to do: the Mobility service $installed_version ($label) is installed and registered with ${registered_cs:-a configuration server}."
    if [ -n "$registered_cs" ] && [ "$registered_cs" != "$cs_endpoint" ] && [ "$registered_cs" != "$cs_endpoint:443" ]; then
      say "Note: it is registered with $registered_cs, not $cs_endpoint; this script does not move registrations."
    fi
    exit 0
  fi
  action=upgrade
  say "Upgrading the Mobility service $installed_version to $chosen_version ($label) from ${release##*/}."
  install_release "${installed_dir:-${install_location:-/usr/local/ASR}}" "${role:-${installed_role:-MS}}" \
    "${platform:-${installed_platform:-VmWare}}"
  say "Upgraded the Mobility service to $chosen_version; its registration is kept."
fi
exit 0
