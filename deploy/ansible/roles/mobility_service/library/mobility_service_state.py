#!/usr/bin/python3
# -*- coding: utf-8 -*-
# The role's one module: read-only. It tells the tasks what this server is (its OS label, detected by the
# installer's own rules: /etc/os-release, then the older release files), what is installed (from
# /usr/local/.vx_version, which install, configure and uninstall keep), which release fits, and so what to
# do. Detection lives here, not in Jinja, so it can be tested against the installer's (deploy/tests).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: mobility_service_state
short_description: Reads what the Mobility service agent has on a server and plans the role's changes
description:
  - Detects the server's OS label with the installer's rules and the label table generated from the installer.
  - Reads /usr/local/.vx_version to learn the installed version, location, role, platform and registration.
  - Picks the release for the label (the highest version, or the one asked for) and says what would change.
  - Never changes anything.
options:
  os_labels:
    description: The label table (vars/main.yml, generated from the installer's support matrix).
    type: list
    elements: dict
    required: true
  releases:
    description: File names of the self-contained releases on the controller.
    type: list
    elements: str
    default: []
  version:
    description: The agent version to install; empty means the highest for the server's label.
    type: str
    default: ''
  state:
    description: Whether the agent should be there.
    type: str
    choices: [present, absent]
    default: present
  role:
    description: MS (Mobility service) or MT (master target).
    type: str
    choices: [MS, MT]
    default: MS
  platform:
    description: VmWare (VMware VMs and physical servers) or Azure.
    type: str
    choices: [VmWare, Azure]
    default: VmWare
  install_location:
    description: Where the agent goes when it is not installed yet.
    type: str
    default: /usr/local/ASR
  cs_endpoint:
    description: The configuration server to register with; empty means install only.
    type: str
    default: ''
  root:
    description: Read the release files and .vx_version under this folder instead of /; for tests.
    type: path
    default: /
author:
  - Mobility Service Setup
"""

RETURN = r"""
os_label:
  description: The server's OS label, or null when the installer does not support it.
  type: str
  returned: always
installed:
  description: The installed agent as .vx_version says, or null.
  type: dict
  returned: always
release:
  description: The release file chosen for this server, or null.
  type: str
  returned: always
install:
  description: none, fresh, upgrade or change (role or platform differ).
  type: str
  returned: always
register:
  description: Whether the agent must be registered with cs_endpoint.
  type: bool
  returned: always
uninstall:
  description: Whether state=absent has an agent to remove.
  type: bool
  returned: always
"""

import os
import re

from ansible.module_utils.basic import AnsibleModule

RELEASE_FILES = ("/etc/os-release", "/etc/oracle-release", "/etc/redhat-release", "/etc/centos-release", "/etc/SuSE-release")
RHEL_FAMILY = ("rhel", "centos", "ol", "rocky", "almalinux")
PACKAGE_NAME = re.compile(
    r"^Microsoft-ASR_UA_(\d{1,5}\.\d{1,5}\.\d{1,5}\.\d{1,5})_([A-Za-z0-9.-]+?)_GA_"
    r"(\d{2}(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\d{4})_release\.tar\.gz$"
)
DEFAULT_CS_PORT = 443


def read_file(root, name):
    try:
        with open(os.path.join(root, name.lstrip("/")), "r") as handle:
            return handle.read()
    except (IOError, OSError, UnicodeDecodeError):
        return None


def parse_os_release(text):
    fields = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if not key:
            continue
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = re.sub(r"\\([\"'$`\\])", r"\1", value[1:-1])
        fields[key] = value
    return fields


def major_minor(version):
    match = re.match(r"^(\d+)(?:\.(\d+))?", version)
    if not match:
        return version
    return match.group(1) if match.group(2) is None else match.group(1) + "." + match.group(2)


def from_os_release(text):
    fields = parse_os_release(text)
    os_id = fields.get("ID", "").lower()
    if not os_id:
        return None
    raw = fields.get("VERSION_ID", "")
    version = major_minor(raw) if os_id in RHEL_FAMILY else raw
    description = fields.get("PRETTY_NAME") or (fields.get("NAME", os_id) + " " + raw).strip()
    return {"id": os_id, "version": version, "description": description, "source": "/etc/os-release"}


def from_redhat_release(text, source):
    lines = text.splitlines()
    line = lines[0].strip() if lines else ""
    match = re.search(r"release\s+(\d+(?:\.\d+)*)", line, re.IGNORECASE)
    if not match:
        return None
    version = major_minor(match.group(1))
    if re.search(r"oracle", line, re.IGNORECASE):
        os_id = "ol"
    elif re.search(r"centos", line, re.IGNORECASE):
        os_id = "centos"
    elif re.search(r"red hat enterprise linux", line, re.IGNORECASE):
        os_id = "rhel"
    else:
        os_id = "unknown"
    return {"id": os_id, "version": version, "description": line, "source": source}


def from_suse_release(text):
    lines = text.splitlines()
    title = lines[0].strip() if lines else ""
    version = re.search(r"^\s*VERSION\s*=\s*(\d+)", text, re.MULTILINE)
    patch = re.search(r"^\s*PATCHLEVEL\s*=\s*(\d+)", text, re.MULTILINE)
    if not version:
        return None
    patch_level = patch.group(1) if patch else "0"
    os_id = "sles" if re.search(r"enterprise server", title, re.IGNORECASE) else "suse"
    name = re.sub(r"\s*\(.*\)\s*$", "", title)
    return {
        "id": os_id,
        "version": version.group(1) + "." + patch_level,
        "description": name + " SP" + patch_level,
        "source": "/etc/SuSE-release",
    }


def detect_os(root):
    os_release = read_file(root, "/etc/os-release")
    detected = from_os_release(os_release) if os_release is not None else None
    if detected:
        return detected
    oracle = read_file(root, "/etc/oracle-release")
    redhat = read_file(root, "/etc/redhat-release")
    if redhat is None:
        redhat = read_file(root, "/etc/centos-release")
    suse = read_file(root, "/etc/SuSE-release")
    # Oracle Linux also ships /etc/redhat-release claiming to be RHEL, so its own file is read first.
    if oracle is not None:
        return from_redhat_release(oracle, "/etc/oracle-release")
    if redhat is not None:
        return from_redhat_release(redhat, "/etc/redhat-release")
    if suse is not None:
        return from_suse_release(suse)
    return None


def label_for(detected, os_labels):
    for row in os_labels:
        if detected["id"].lower() in row["ids"] and re.search(row["versions"], detected["version"]):
            return row["label"]
    return None


def version_key(text):
    return tuple(int(part) for part in text.split("."))


def pick_release(releases, label, wanted):
    candidates = []
    for name in releases:
        match = PACKAGE_NAME.match(os.path.basename(name))
        if match and match.group(2).upper() == label.upper():
            candidates.append((version_key(match.group(1)), match.group(1), os.path.basename(name)))
    if wanted:
        candidates = [c for c in candidates if c[1] == wanted]
    if not candidates:
        return None
    return max(candidates)


def read_vx_version(root):
    text = read_file(root, "/usr/local/.vx_version")
    if text is None:
        return None
    fields = {}
    for line in text.splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            fields[key.strip()] = value.strip()
    if "VERSION" not in fields:
        return None
    return {
        "version": fields.get("VERSION"),
        "install_location": fields.get("INSTALLATION_DIR"),
        "role": fields.get("ROLE"),
        "platform": fields.get("PLATFORM"),
        "configured": fields.get("AGENT_CONFIGURATION_STATUS") == "Succeeded",
        "cs_endpoint": fields.get("CS_ENDPOINT") or None,
    }


def canonical_endpoint(text):
    """10.0.0.5 and 10.0.0.5:443 name the same configuration server, as the configurator stores it."""
    text = (text or "").strip()
    if not text:
        return ""
    if text.startswith("["):
        return text if "]:" in text else text + ":" + str(DEFAULT_CS_PORT)
    if text.count(":") > 1:
        return "[" + text + "]:" + str(DEFAULT_CS_PORT)
    return text if ":" in text else text + ":" + str(DEFAULT_CS_PORT)


def plan(params):
    root = params["root"]
    installed = read_vx_version(root)
    result = {
        "changed": False,
        "os": None,
        "os_label": None,
        "installed": installed,
        "release": None,
        "release_version": None,
        "install_location": installed["install_location"] if installed else params["install_location"],
        "install": "none",
        "register": False,
        "uninstall": False,
    }
    if params["state"] == "absent":
        result["uninstall"] = installed is not None
        return result, None
    detected = detect_os(root)
    result["os"] = detected
    if detected is None:
        return result, (
            "UNSUPPORTED_OS: cannot tell which operating system this is: no readable /etc/os-release or older "
            "release file. Remedy: install the agent on a supported system (see the support matrix)."
        )
    label = label_for(detected, params["os_labels"])
    result["os_label"] = label
    if label is None:
        return result, (
            "UNSUPPORTED_OS: %s (%s %s, from %s) is not in the support matrix. Remedy: install the agent on a "
            "supported system (see the support matrix)." % (detected["description"], detected["id"], detected["version"], detected["source"])
        )
    chosen = pick_release(params["releases"], label, params["version"])
    if chosen is None:
        wanted = (" version " + params["version"]) if params["version"] else ""
        return result, (
            "PACKAGE_NOT_FOUND: no release%s for %s (%s) in mobility_service_release_dir. Remedy: add the release "
            "built with pack-agent --with-installer for this label." % (wanted, detected["description"], label)
        )
    result["release"] = chosen[2]
    result["release_version"] = chosen[1]
    if installed is None:
        result["install"] = "fresh"
    elif version_key(installed["version"]) < chosen[0]:
        result["install"] = "upgrade"
    elif installed["role"] != params["role"] or installed["platform"] != params["platform"]:
        result["install"] = "change"
    endpoint = canonical_endpoint(params["cs_endpoint"])
    if endpoint:
        registered_here = installed is not None and installed["configured"]
        same_cs = registered_here and canonical_endpoint(installed["cs_endpoint"]) == endpoint
        result["register"] = not same_cs
    return result, None


def main():
    module = AnsibleModule(
        argument_spec=dict(
            os_labels=dict(type="list", elements="dict", required=True),
            releases=dict(type="list", elements="str", default=[]),
            version=dict(type="str", default=""),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            role=dict(type="str", choices=["MS", "MT"], default="MS"),
            platform=dict(type="str", choices=["VmWare", "Azure"], default="VmWare"),
            install_location=dict(type="str", default="/usr/local/ASR"),
            cs_endpoint=dict(type="str", default=""),
            root=dict(type="path", default="/"),
        ),
        supports_check_mode=True,
    )
    result, failure = plan(module.params)
    if failure:
        module.fail_json(msg=failure, **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
