#!/usr/bin/env bash
# Rebuilds the committed test images from Debian's wallpaper packages. Not run by the tests: the
# outputs are committed so the tests need nothing but the .NET SDK. Needs imagemagick, exiftool
# (libimage-exiftool-perl), webp, libjpeg-turbo-progs and python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download plasma-workspace-wallpapers gnome-backgrounds >/dev/null
for deb in *.deb; do dpkg-deb -x "$deb" x; done
plasma=x/usr/share/wallpapers
gnome=x/usr/share/backgrounds/gnome
out="$here"

# Real photos, scaled down.
convert "$plasma/ColorfulCups/contents/images/2560x1600.jpg" -resize 1280x800 -quality 88 "$out/photo-cups.jpg"
convert "$plasma/Autumn/contents/images/2560x1600.jpg" -resize 1200x750 -quality 88 "$out/photo-autumn.jpg"

# Stored 640×400 but tagged "rotate 90° clockwise" (so it displays 400×640), with a GPS position and
# a camera serial that must never reach a rendition.
convert "$plasma/Autumn/contents/images/2560x1600.jpg" -resize 640x400 -quality 88 "$out/exif-rotated.jpg"
exiftool -q -overwrite_original -n -Orientation=6 -GPSLatitude=48.8584 -GPSLatitudeRef=N \
  -GPSLongitude=2.2945 -GPSLongitudeRef=E -SerialNumber=SECRET-1234 -Artist="Test Author" \
  -XMP-dc:Creator="Test Author" "$out/exif-rotated.jpg"

# The cups photo in CMYK (Adobe-style, as Photoshop writes it) and as greyscale.
convert "$plasma/ColorfulCups/contents/images/2560x1600.jpg" -resize 640x400 -colorspace CMYK -quality 92 "$out/cmyk.jpg"
convert "$plasma/Grey/contents/images/2560x1600.jpg" -resize 640x400 -colorspace Gray -quality 90 "$out/greyscale.jpg"

# PNG with an alpha channel: the photo inside a transparent circle. And a 16-bit RGB PNG.
convert "$plasma/Kite/contents/images/2560x1600.jpg" -resize 480x300 \
  \( -size 480x300 xc:none -fill white -draw "circle 240,150 240,20" \) \
  -compose CopyOpacity -composite -depth 8 "PNG32:$out/alpha.png"
convert "$plasma/PastelHills/contents/images/3200x2000.jpg" -resize 480x300 -depth 16 "PNG48:$out/deep-16bit.png"

# Animated GIF: three real frames; the first is the cups, the others are different photos.
convert "$plasma/ColorfulCups/contents/images/2560x1600.jpg" -resize 320x200 f1.png
convert "$plasma/Grey/contents/images/2560x1600.jpg" -resize 320x200 f2.png
convert "$plasma/Kite/contents/images/2560x1600.jpg" -resize 320x200 f3.png
convert -delay 50 -loop 0 f1.png f2.png f3.png "$out/animated.gif"

# A WebP original (GNOME's "wood" wallpaper) and a 1×1 image.
convert "$gnome/wood-l.webp" -resize 800x800 -quality 85 "$out/wood.webp"
convert -size 1x1 xc:'#3366cc' "PNG24:$out/one-pixel.png"

# Bad inputs.
convert "$plasma/ColorfulCups/contents/images/2560x1600.jpg" -resize 640x400 -quality 88 full.jpg
head -c $(( $(stat -c %s full.jpg) / 2 )) full.jpg > "$out/truncated.jpg"
: > "$out/zero-bytes.jpg"
printf 'This is a text file, not a JPEG.\n' > "$out/text.jpg"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect width="100" height="100" fill="red"/></svg>\n' > "$out/vector.svg"
convert "$plasma/ColorfulCups/contents/images/2560x1600.jpg" -resize 64x40 "BMP3:$out/photo.bmp"
convert "$plasma/ColorfulCups/contents/images/2560x1600.jpg" -resize 64x40 "$out/photo.tiff"
python3 - "$out/huge-header.png" <<'PY'
# A valid PNG signature and IHDR claiming 30000×30000, then a tiny IDAT: a decompression bomb's header.
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
# JPEG variants (scan counting, shrink on load): one odd-sized photo (501×333, so
# neither side is a whole number of blocks or MCUs) in every coding the decoder handles or hands on.
jpegs="$out/jpeg"
mkdir -p "$jpegs"
convert "$plasma/Autumn/contents/images/2560x1600.jpg" -resize 501x333! -quality 100 small.png
variant() { convert small.png -quality 85 "${@:2}" "$jpegs/$1.jpg"; }
variant baseline-444 -sampling-factor 1x1
variant baseline-422 -sampling-factor 2x1
variant baseline-420 -sampling-factor 2x2
variant baseline-440 -sampling-factor 1x2
variant baseline-411 -sampling-factor 4x1
variant progressive-420 -sampling-factor 2x2 -interlace JPEG
variant progressive-444 -sampling-factor 1x1 -interlace JPEG
variant greyscale-progressive -colorspace Gray -interlace JPEG
# Restart markers every few MCUs, and arithmetic coding: jpegtran
# (libjpeg-turbo-progs) recodes losslessly.
jpegtran -restart 3B "$jpegs/baseline-420.jpg" > "$jpegs/restart-420.jpg"
jpegtran -progressive -restart 2B "$jpegs/baseline-422.jpg" > "$jpegs/progressive-restart-422.jpg"
jpegtran -arithmetic "$jpegs/baseline-420.jpg" > "$jpegs/arithmetic-420.jpg"

echo "test images written to $out"
