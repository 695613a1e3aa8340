#!/usr/bin/env bash
# Runs the whole benchmark on this machine and writes docs/benchmarks.md and docs/benchmarks.png.
# Installs what it needs: the corpus (Debian wallpapers), sharp and the AWS SDK (npm, pinned), nginx, wrk,
# gnuplot, python3-pil. The HTTP benchmark also needs moto's server for python3 (pip install "moto[server]").
#   bench/run.sh [--skip-server] [--skip-studies] [--skip-http] [--http-only]
#   --skip-server: no cached path (nginx, wrk) and no cold start; --skip-studies: no AVIF and intermediate studies;
#   --skip-http: no HTTP benchmark; --http-only: only the HTTP benchmark, into docs/benchmarks-http.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
http=yes
case " $* " in *" --skip-http "*) http="" ;; esac
# nginx serves the cached path's peer (with wrk) and fronts moto in the HTTP benchmark.
tools="gnuplot"
case " $* " in *" --skip-server "*|*" --http-only "*) ;; *) tools="nginx wrk gnuplot" ;; esac
case " $tools " in *" nginx "*) ;; *) [ -n "$http" ] && tools="nginx $tools" ;; esac
need=""
for tool in $tools; do command -v "$tool" >/dev/null || need="$need $tool"; done
# The Pillow reference runs on Debian's python3-pil, under the system Python.
if [ -n "$http" ] && ! /usr/bin/python3 -c "import PIL" 2>/dev/null; then need="$need python3-pil"; fi
if [ -n "$need" ]; then
  packages=$(echo "$need" | sed 's/nginx/nginx-light/; s/gnuplot/gnuplot-nox/')
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null; fi
fi
"$here/corpus.sh"
(cd "$here/sharp" && npm ci --no-audit --no-fund --silent)
if [ -n "$http" ]; then
  python3 -c "import moto.server" 2>/dev/null || { echo 'the HTTP benchmark needs moto for python3: pip install "moto[server]" (or pass --skip-http)' >&2; exit 1; }
  (cd "$here/http" && npm ci --no-audit --no-fund --silent)
fi
exec python3 "$here/run.py" "$@"
