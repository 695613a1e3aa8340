#!/usr/bin/env python3
"""The original Pillow function's transform (thumbnail((800, 800)), WebP quality 80), in-process with
two worker processes (Pillow holds the GIL for most of its work), on the given photos: the reference
for issue 15's upload-time ratio. Prints {ops, seconds, bytes, cpuSeconds, version}.
    python3 pillow_upload.py --rounds 3 photo1.jpg photo2.png ...
"""
import io, json, sys, time
from multiprocessing import Pool


def default_rendition(path):
    started = time.process_time()
    with open(path, "rb") as f:
        data = f.read()
    from PIL import Image
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((800, 800))
        out = io.BytesIO()
        image.save(out, "WEBP", quality=80)
    return len(out.getvalue()), time.process_time() - started


def main():
    args = sys.argv[1:]
    rounds = 1
    if "--rounds" in args:
        at = args.index("--rounds")
        rounds = int(args[at + 1])
        del args[at:at + 2]
    import PIL
    with Pool(2) as pool:
        pool.map(default_rendition, args)  # warm-up: imports, first decodes
        started = time.perf_counter()
        results = pool.map(default_rendition, args * rounds, chunksize=1)
        seconds = time.perf_counter() - started
    print(json.dumps({"ops": len(results), "seconds": seconds, "opsPerSecond": len(results) / seconds,
                      "bytes": sum(b for b, _ in results[:len(args)]), "cpuSeconds": sum(c for _, c in results), "version": PIL.__version__}))


if __name__ == "__main__":
    main()
