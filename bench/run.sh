#!/usr/bin/env bash
# Runs the whole benchmark on this machine and writes docs/benchmarks.md and docs/benchmarks.png.
# Installs what it needs: the corpus (Debian wallpapers), sharp (npm, pinned), nginx, wrk, gnuplot.
#   bench/run.sh [--skip-server] [--skip-studies]
#   --skip-server: no cached path (nginx, wrk) and no cold start; --skip-studies: no AVIF and intermediate studies.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tools="gnuplot"
case " $* " in *" --skip-server "*) ;; *) tools="nginx wrk gnuplot" ;; esac
need=""
for tool in $tools; do command -v "$tool" >/dev/null || need="$need $tool"; done
if [ -n "$need" ]; then
  packages=$(echo "$need" | sed 's/nginx/nginx-light/; s/gnuplot/gnuplot-nox/')
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null; fi
fi
"$here/corpus.sh"
(cd "$here/sharp" && npm ci --no-audit --no-fund --silent)
exec python3 "$here/run.py" "$@"
