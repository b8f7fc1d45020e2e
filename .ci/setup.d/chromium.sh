# Debian's Chromium and its driver, for the operators' console's browser tests (pytest -m browser);
# Noto CJK so that the screenshots show Japanese.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
fi
