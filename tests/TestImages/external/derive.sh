#!/usr/bin/env bash
# Re-creates the derived files in this folder (every file whose name starts
# with "derived-", plus sharp-Landscape_[2-8]-noicc.jpg) from the original
# suite files. Everything else in this folder is a byte-exact copy of a file
# from another project's public test suite (see README.md).
#
# Needs: bash, python3, jpegtran (libjpeg-turbo-progs; 2.1.5 was used) and
# cwebp (Debian package "webp"; 1.2.4 was used). The outputs of jpegtran and
# cwebp may differ byte-wise with other versions; the python steps are exact.
#
# Inputs that are NOT committed here (set ORIG to a folder holding them):
#   Landscape_2.jpg .. Landscape_8.jpg  from lovell/sharp test/fixtures/
#       (commit ea5bef24c187b2c7ee3fe3cad3b45c8cb67a46fd); they embed Apple's
#       "Generic RGB Profile" (copyright "all rights reserved"), which is why
#       only ICC-stripped copies are committed.
#   CGATS001Compat-v2-micro.icc         from saucecontrol/Compact-ICC-Profiles
#       profiles/ (commit bdd84663061bc4ae95ca70decff54f581e27f702), CC0-1.0.
# All other inputs are files committed in this folder.
#
# Usage: ORIG=/path/to/originals ./derive.sh
set -euo pipefail
cd "$(dirname "$0")"
ORIG=${ORIG:?set ORIG to the folder with Landscape_2..8.jpg and CGATS001Compat-v2-micro.icc}

# 1. sharp-Landscape_N-noicc.jpg: the sharp fixture with every APP2
#    "ICC_PROFILE" segment removed; all other bytes unchanged (the entropy-coded
#    data, the EXIF orientation tag and the other segments are untouched).
for n in 2 3 4 5 6 7 8; do
  python3 - "$ORIG/Landscape_$n.jpg" "sharp-Landscape_$n-noicc.jpg" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
assert d[:2] == b'\xff\xd8'
out, i = bytearray(d[:2]), 2
while True:
    assert d[i] == 0xFF
    m = d[i + 1]
    if m == 0xDA:                      # SOS: copy the rest verbatim
        out += d[i:]
        break
    n = struct.unpack('>H', d[i + 2:i + 4])[0]
    seg = d[i:i + 2 + n]
    if not (m == 0xE2 and seg[4:16] == b'ICC_PROFILE\0'):
        out += seg
    i += 2 + n
open(sys.argv[2], 'wb').write(out)
PY
done

# 2. derived-testorig-fffill.jpg: ljt-testorig.jpg with three extra 0xFF fill
#    bytes inserted before the SOF0 marker and before the EOI marker
#    (legal: ITU-T T.81 B.1.1.2 allows any number of 0xFF fill bytes before a
#    marker).
python3 - <<'PY'
d = open('ljt-testorig.jpg', 'rb').read()
i = d.index(b'\xff\xc0')            # first SOF0 (verified: not inside a table)
d = d[:i] + b'\xff' * 3 + d[i:]
j = d.rindex(b'\xff\xd9')           # EOI
d = d[:j] + b'\xff' * 3 + d[j:]
open('derived-testorig-fffill.jpg', 'wb').write(d)
PY

# 3. derived-testorig-truncated.jpg: first 2900 of 5770 bytes of
#    ljt-testorig.jpg (cut inside the entropy-coded scan, no EOI).
head -c 2900 ljt-testorig.jpg > derived-testorig-truncated.jpg

# 4. derived-basn6a16-truncated.png: first 2000 of 3435 bytes of
#    pngsuite-basn6a16.png (cut inside the IDAT chunk; no IEND).
head -c 2000 pngsuite-basn6a16.png > derived-basn6a16-truncated.png

# 5. derived-testorig-progressive-rst.jpg: lossless transcode of
#    ljt-testorig.jpg to progressive with a restart marker every MCU row.
jpegtran -copy all -progressive -restart 1 -outfile derived-testorig-progressive-rst.jpg ljt-testorig.jpg

# 6. derived-pil_sample_cmyk-icc.jpg: pillow-pil_sample_cmyk.jpg (Adobe YCCK,
#    no ICC) with the CC0 CMYK profile CGATS001Compat-v2-micro.icc inserted as
#    a single APP2 ICC_PROFILE segment just before the APP14 Adobe segment.
python3 - "$ORIG/CGATS001Compat-v2-micro.icc" <<'PY'
import struct, sys
icc = open(sys.argv[1], 'rb').read()
d = open('pillow-pil_sample_cmyk.jpg', 'rb').read()
body = b'ICC_PROFILE\0' + bytes([1, 1]) + icc
seg = b'\xff\xe2' + struct.pack('>H', len(body) + 2) + body
i = 2                               # walk the marker segments to the APP14
while d[i + 1] != 0xEE:
    assert d[i] == 0xFF and d[i + 1] not in (0xDA, 0xC0)
    i += 2 + struct.unpack('>H', d[i + 2:i + 4])[0]
d = d[:i] + seg + d[i:]
open('derived-pil_sample_cmyk-icc.jpg', 'wb').write(d)
PY

# 7. derived-basn6a08-lossless.webp: pngsuite-basn6a08.png (RGBA, real
#    alpha) as lossless WebP, keeping RGB under transparent pixels.
cwebp -quiet -lossless -exact -metadata none pngsuite-basn6a08.png -o derived-basn6a08-lossless.webp

# 8. derived-Landscape_6.webp: a non-square lossy WebP carrying EXIF
#    Orientation=6 (stored 450x600, displayed 600x450).
cwebp -quiet -q 40 -metadata exif sharp-Landscape_6-noicc.jpg -o derived-Landscape_6.webp
