#!/usr/bin/env bash
# Fetches the benchmark corpus: large real photos from Debian's wallpaper packages
# (plasma-workspace-wallpapers, GPL-2+; gnome-backgrounds, CC BY-SA 3.0) into bench/corpus/ (ignored by git).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus="$here/corpus"
if [ -f "$corpus/.complete" ]; then echo "corpus: $corpus (already there)"; exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# A fresh machine may not have read the package lists yet.
apt-get download plasma-workspace-wallpapers gnome-backgrounds >/dev/null 2>&1 \
  || { apt-get update >/dev/null && apt-get download plasma-workspace-wallpapers gnome-backgrounds >/dev/null; }
for deb in *.deb; do dpkg-deb -x "$deb" x; done
mkdir -p "$corpus"
plasma=x/usr/share/wallpapers
pick() { cp "$plasma/$1/contents/images/$2" "$corpus/$3"; }
# JPEG photos, 2560×1600 to 5120×2880
pick Flow 5120x2880.jpg flow-5120x2880.jpg
pick Honeywave 5120x2880.jpg honeywave-5120x2880.jpg
pick SafeLanding 5120x2880.jpg safelanding-5120x2880.jpg
pick Shell 5120x2880.jpg shell-5120x2880.jpg
pick Volna 5120x2880.jpg volna-5120x2880.jpg
pick PastelHills 3200x2000.jpg pastelhills-3200x2000.jpg
pick Autumn 2560x1600.jpg autumn-2560x1600.jpg
pick ColorfulCups 2560x1600.jpg colorfulcups-2560x1600.jpg
# PNG, 3840×2160 and 5120×2880
pick Canopee 3840x2160.png canopee-3840x2160.png
pick Kokkini 3840x2160.png kokkini-3840x2160.png
pick Altai 5120x2880.png altai-5120x2880.png
# WebP, 4096×4096
cp x/usr/share/backgrounds/gnome/wood-l.webp "$corpus/wood-4096x4096.webp"
cp x/usr/share/backgrounds/gnome/adwaita-l.webp "$corpus/adwaita-4096x4096.webp"
touch "$corpus/.complete"
echo "corpus: $(ls "$corpus" | wc -l) files, $(du -sh "$corpus" | cut -f1) in $corpus"
