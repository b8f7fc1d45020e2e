# Graphviz's dot draws `ivr tree --format svg`.
if ! command -v dot >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null
fi
