# promtool, from Debian's prometheus package: tests/test_monitoring.py checks the alert rules and
# runs their unit tests with it (in CI they fail without it). Sourced by .ci/run, as root.
# Only the tool is wanted: the package's server is never started here (policy-rc.d refuses it
# while the package is installed, as Debian's tools allow).
if ! command -v promtool >/dev/null 2>&1; then
  prometheus_policy_added=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    prometheus_policy_added=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  if [ -n "$prometheus_policy_added" ]; then
    rm -f /usr/sbin/policy-rc.d
  fi
  unset prometheus_policy_added
fi
promtool --version 2>&1 | sed -n 1p
