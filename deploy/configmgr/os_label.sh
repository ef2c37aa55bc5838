# os_label.sh: the OS label rules of install_linux.sh (sourced by it from the same package folder): which
# system this is, read from its release files by the installer's rules, and which support matrix row it is.
# Kept apart from install_linux.sh so the generated support matrix and the release-file parsers stand on their
# own; it defines functions and OS_LABELS only, and runs nothing. fail (install_linux.sh's) reports errors.
# shellcheck shell=sh disable=SC2034,SC2154 # os_description and os_source are read, root and fail given, by install_linux.sh.

# BEGIN OS LABELS: generated from shared/support-matrix.ts by npm run build; do not edit
OS_LABELS='
RHEL6-64 rhel,centos ^6(\.[0-9]+)?$
RHEL7-64 rhel,centos ^7(\.[0-9]+)?$
SLES12-64 sles ^12\.[1-3]$
SLES11-SP3-64 sles ^11\.3$
SLES11-SP4-64 sles ^11\.4$
OL6-64 ol ^6\.[45]$
UBUNTU-14.04-64 ubuntu ^14\.04$
UBUNTU-16.04-64 ubuntu ^16\.04$
DEBIAN7-64 debian ^7(\.[0-9]+)?$
DEBIAN8-64 debian ^8(\.[0-9]+)?$
RHEL8-64 rhel,centos ^8(\.[0-9]+)?$
RHEL9-64 rhel ^9(\.[0-9]+)?$
OL7-64 ol ^7(\.[0-9]+)?$
OL8-64 ol ^8(\.[0-9]+)?$
OL9-64 ol ^9(\.[0-9]+)?$
SLES15-64 sles ^15(\.[0-6])?$
UBUNTU-18.04-64 ubuntu ^18\.04$
UBUNTU-20.04-64 ubuntu ^20\.04$
UBUNTU-22.04-64 ubuntu ^22\.04$
UBUNTU-24.04-64 ubuntu ^24\.04$
DEBIAN9-64 debian ^9(\.[0-9]+)?$
DEBIAN10-64 debian ^10(\.[0-9]+)?$
DEBIAN11-64 debian ^11(\.[0-9]+)?$
DEBIAN12-64 debian ^12(\.[0-9]+)?$
'
# END OS LABELS

# ---- OS label detection: the installer's rules (electron/engine/system/os-detect.ts) -------------------------

# Prints "id<TAB>version<TAB>description" from an os-release file, as parseOsRelease and fromOsRelease read it,
# or nothing when it has no ID.
os_release_fields() {
  awk '
    function trim(s) { sub(/^[ \t\r\n\f\v]+/, "", s); sub(/[ \t\r\n\f\v]+$/, "", s); return s }
    function unescape(s,   out, i, c, n) {
      out = ""
      for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1); n = substr(s, i + 1, 1)
        if (c == "\\" && n != "" && index("\"'"'"'$`\\", n) > 0) { out = out n; i++ } else out = out c
      }
      return out
    }
    {
      line = trim($0)
      if (line == "" || substr(line, 1, 1) == "#") next
      eq = index(line, "=")
      if (eq <= 1) next
      key = substr(line, 1, eq - 1); value = substr(line, eq + 1)
      first = substr(value, 1, 1); last = substr(value, length(value), 1)
      if ((first == "\"" && last == "\"") || (first == "'"'"'" && last == "'"'"'")) {
        value = length(value) >= 2 ? substr(value, 2, length(value) - 2) : ""
        value = unescape(value)
      }
      fields[key] = value; seen[key] = 1
    }
    END {
      id = tolower(fields["ID"])
      if (id == "") exit
      raw = fields["VERSION_ID"]; version = raw
      if (id == "rhel" || id == "centos" || id == "ol" || id == "rocky" || id == "almalinux") {
        if (match(raw, /^[0-9]+(\.[0-9]+)?/)) version = substr(raw, RSTART, RLENGTH)
      }
      if ("PRETTY_NAME" in seen) description = fields["PRETTY_NAME"]
      else description = trim((("NAME" in seen) ? fields["NAME"] : id) " " raw)
      printf "%s\t%s\t%s\n", id, version, description
    }
  ' "$1"
}

# The same for a Red Hat style release file (first line "... release 7.9.2009 (Core)").
redhat_release_fields() {
  awk '
    NR == 1 {
      line = $0; sub(/\r$/, "", line); sub(/^[ \t\r\n\f\v]+/, "", line); sub(/[ \t\r\n\f\v]+$/, "", line)
      lower = tolower(line)
      if (!match(lower, /release[ \t\r\n\f\v]+[0-9]+(\.[0-9]+)*/)) exit
      number = substr(lower, RSTART, RLENGTH); sub(/^release[ \t\r\n\f\v]+/, "", number)
      match(number, /^[0-9]+(\.[0-9]+)?/); version = substr(number, RSTART, RLENGTH)
      if (index(lower, "oracle")) id = "ol"
      else if (index(lower, "centos")) id = "centos"
      else if (index(lower, "red hat enterprise linux")) id = "rhel"
      else id = "unknown"
      printf "%s\t%s\t%s\n", id, version, line
    }
  ' "$1"
}

# The same for /etc/SuSE-release (title line, VERSION = 11, PATCHLEVEL = 4).
suse_release_fields() {
  awk '
    NR == 1 { title = $0; sub(/\r$/, "", title); sub(/^[ \t\r\n\f\v]+/, "", title); sub(/[ \t\r\n\f\v]+$/, "", title) }
    version == "" && match($0, /^[ \t\r\n\f\v]*VERSION[ \t\r\n\f\v]*=[ \t\r\n\f\v]*[0-9]+/) {
      v = substr($0, RSTART, RLENGTH); sub(/^.*=[ \t\r\n\f\v]*/, "", v); version = v
    }
    patch == "" && match($0, /^[ \t\r\n\f\v]*PATCHLEVEL[ \t\r\n\f\v]*=[ \t\r\n\f\v]*[0-9]+/) {
      p = substr($0, RSTART, RLENGTH); sub(/^.*=[ \t\r\n\f\v]*/, "", p); patch = p
    }
    END {
      if (version == "") exit
      if (patch == "") patch = "0"
      id = (tolower(title) ~ /enterprise server/) ? "sles" : "suse"
      name = title; sub(/[ \t\r\n\f\v]*\(.*\)[ \t\r\n\f\v]*$/, "", name)
      printf "%s\t%s\t%s SP%s\n", id, version "." patch, name, patch
    }
  ' "$1"
}

readable() { [ -f "$1" ] && [ -r "$1" ]; }

# Sets os_id, os_version, os_description and os_source from the release files under $root, or leaves os_id
# empty when none tells.
detect_os() {
  base=${root%/}
  os_id='' os_version='' os_description='' os_source='' fields=''
  if readable "$base/etc/os-release"; then
    fields=$(os_release_fields "$base/etc/os-release")
    os_source=/etc/os-release
  fi
  if [ -z "$fields" ]; then
    if readable "$base/etc/oracle-release"; then
      fields=$(redhat_release_fields "$base/etc/oracle-release")
      os_source=/etc/oracle-release
    elif readable "$base/etc/redhat-release"; then
      fields=$(redhat_release_fields "$base/etc/redhat-release")
      os_source=/etc/redhat-release
    elif readable "$base/etc/centos-release"; then
      fields=$(redhat_release_fields "$base/etc/centos-release")
      os_source=/etc/redhat-release
    elif readable "$base/etc/SuSE-release"; then
      fields=$(suse_release_fields "$base/etc/SuSE-release")
      os_source=/etc/SuSE-release
    fi
  fi
  [ -n "$fields" ] || return 0
  tab=$(printf '\t')
  os_id=${fields%%"$tab"*}
  rest=${fields#*"$tab"}
  os_version=${rest%%"$tab"*}
  os_description=${rest#*"$tab"}
}

# Sets label from os_id and os_version by the first matching row of OS_LABELS, or leaves it empty.
label_for_os() {
  label=
  while read -r row_label row_ids row_pattern; do
    [ -n "$row_label" ] || continue
    case ",$row_ids," in
      *",$os_id,"*)
        if printf '%s\n' "$os_version" | grep -Eq -- "$row_pattern"; then
          label=$row_label
          return 0
        fi
        ;;
    esac
  done <<EOF
$OS_LABELS
EOF
}

# Detects the OS label or fails with UNSUPPORTED_OS naming the system.
require_os_label() {
  detect_os
  remedy='Install the agent on a 64-bit operating system listed in the support matrix (see README, "Supported systems").'
  if [ -z "$os_id" ]; then
    fail UNSUPPORTED_OS "cannot tell which operating system this is: no readable /etc/os-release or an older release file (/etc/redhat-release, /etc/oracle-release, /etc/SuSE-release) under ${root}" "$remedy"
  fi
  label_for_os
  if [ -z "$label" ]; then
    fail UNSUPPORTED_OS "$os_description ($os_id $os_version, from $os_source) is not in the support matrix" "$remedy"
  fi
}
