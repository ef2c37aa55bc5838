#!/bin/sh
# Stand-in for the Site Recovery VSS provider installer (optional component). Set ASR_SAMPLE_VSS_FAIL=1 in a
# copied payload's setup/vss.env to make it fail, which must end the install with a Warning.
set -e
if [ -f "$INSTALL_DIR/setup/vss.env" ]; then . "$INSTALL_DIR/setup/vss.env"; fi
echo "installing VSS provider for role $ROLE on $PLATFORM into $INSTALL_DIR"
if [ "${ASR_SAMPLE_VSS_FAIL:-0}" = "1" ]; then echo "VSS provider registration failed" >&2; exit 5; fi
echo "VSS provider installed"
