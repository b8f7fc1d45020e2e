# Stoplight Prism, the local stand-in for Twilio's REST API (the tests' `prism` fixture in tests/twilio_stand_ins.py starts it).
# Sourced by .ci/run from the repository root. Installs the locked version into tests/prism/node_modules.
command -v npm >/dev/null || { echo "prism.sh: npm is required (Node 20)" >&2; exit 1; }
npm ci --prefix tests/prism --no-audit --no-fund --loglevel=error
tests/prism/node_modules/.bin/prism --version
