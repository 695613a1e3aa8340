#!/usr/bin/env bash
# Builds the Lambda artifact: artifacts/imageapi-lambda.zip, the zip that serverless.template's
# CodeUri names. Framework-dependent for the managed dotnet10 runtime, ReadyToRun for the chosen
# architecture, with run.sh as the handler the Web Adapter starts.
#
#   deploy/package.sh [--arch x86_64|arm64] [--output DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
arch=x86_64
output="$root/artifacts"
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch=$2; shift 2 ;;
    --output) output=$2; shift 2 ;;
    *) echo "usage: $0 [--arch x86_64|arm64] [--output DIR]" >&2; exit 2 ;;
  esac
done
case "$arch" in
  x86_64) rid=linux-x64 ;;
  arm64) rid=linux-arm64 ;;
  *) echo "--arch must be x86_64 or arm64 (was $arch)" >&2; exit 2 ;;
esac

publish=$(mktemp -d)
trap 'rm -rf "$publish"' EXIT
dotnet publish "$root/src/ImageApi/ImageApi.csproj" -c Release -r "$rid" --self-contained false \
  -p:PublishReadyToRun=true -p:DebugType=none -p:GenerateDocumentationFile=false -o "$publish" --nologo -v quiet
cp "$here/run.sh" "$publish/run.sh"
chmod 755 "$publish/run.sh"

mkdir -p "$output"
zip="$output/imageapi-lambda.zip"
python3 - "$publish" "$zip" <<'PY'
import os, sys, zipfile
source, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
    for folder, _, files in os.walk(source):
        for name in sorted(files):
            path = os.path.join(folder, name)
            info = zipfile.ZipInfo.from_file(path, os.path.relpath(path, source))
            info.compress_type = zipfile.ZIP_DEFLATED
            # Modes are written, not copied: a checkout on Windows has no execute bits, and Lambda
            # must be able to execute run.sh. Regular files: 0644; the handler script: 0755.
            mode = 0o755 if os.path.relpath(path, source) == "run.sh" else 0o644
            info.external_attr = (0o100000 | mode) << 16
            with open(path, "rb") as stream:
                archive.writestr(info, stream.read())
PY
echo "$zip ($arch, $(du -h "$zip" | cut -f1))"
