#!/usr/bin/env bash
# Runs every test of the repository and ends with one line: "N passed, N failed, N skipped".
# Installs what the tests need on a fresh machine of this project's kind.
set -uo pipefail
cd "$(dirname "$0")"

# Debian's Chromium for the browser tests (Playwright's own browser download cannot be used here).
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium for the browser tests" >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi
fi

# njs runs the CloudFront Function in an ES5.1 engine, closer to CloudFront's runtime than Node.js.
if ! command -v njs >/dev/null; then
  echo "installing njs for the CloudFront Function tests" >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq njs >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq njs >/dev/null; fi
fi

# Next.js for the next/image client test, from npm at the version tests/clients/next/package.json pins
# (installed here, never committed).
if command -v npm >/dev/null && [ ! -d tests/clients/next/node_modules/next ]; then
  echo "installing next for the next/image client test" >&2
  npm install --prefix tests/clients/next --no-audit --no-fund --omit=optional --ignore-scripts --no-package-lock --loglevel=error >/dev/null
fi

# Tools the tests drive, beside the .NET SDK.
missing=""
python3 -c "import moto.server" 2>/dev/null || missing="$missing python3-moto[server]"
command -v openapi-spec-validator >/dev/null || missing="$missing openapi-spec-validator"
command -v cfn-lint >/dev/null || missing="$missing cfn-lint"
command -v node >/dev/null || missing="$missing node"
[ -d tests/clients/next/node_modules/next ] || missing="$missing next(npm)"
command -v njs >/dev/null || missing="$missing njs"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
if [ -n "$missing" ]; then
  echo "missing:$missing (pip install \"moto[server]\" openapi-spec-validator cfn-lint; Node.js and npm from your package manager)" >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet test ImageApi.slnx --nologo --logger "trx" --results-directory "$results" "$@"
status=$?

python3 - "$results" "$status" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
files = glob.glob(sys.argv[1] + "/**/*.trx", recursive=True)
for f in files:
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    skipped += int(c.get("notExecuted", 0))
    for r in ET.parse(f).getroot().iterfind(".//t:UnitTestResult[@outcome='Failed']", ns):
        message = r.find("t:Output/t:ErrorInfo/t:Message", ns)
        print(f"FAILED {r.get('testName')}: {(message.text or '').strip().splitlines()[0] if message is not None and message.text else ''}")
print(f"test runs: {len(files)}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
# A run that built nothing or ran nothing is a failure, whatever dotnet test said.
sys.exit(1 if failed or passed == 0 or int(sys.argv[2]) != 0 else 0)
PY
