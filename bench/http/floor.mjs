// The first view's floor (issue 15): per page, one decode of the original and the four srcset
// encodes. In-process with sharp (the same libvips as the service): the original is decoded once
// (shrink-on-load) to the largest width, the smaller widths are resized from those pixels, and all
// four are encoded as WebP q80 effort 4. Two pages at a time, as the HTTP benchmark's two clients.
// Prints {pages, cpuSeconds, seconds}: CPU seconds of this process (all its threads).
//   node floor.mjs --rounds 3 photo1.jpg photo2.png ...
import { readFileSync } from 'node:fs';
import sharp from 'sharp';

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args.splice(roundsAt, 2)[1]) : 1;
const widths = [1280, 960, 640, 320];
const files = args.map((path) => readFileSync(path));
sharp.cache(false);

async function page(original) {
  const { data, info } = await sharp(original).rotate()
    .resize(widths[0], null, { withoutEnlargement: true, kernel: 'lanczos3' })
    .raw().toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  await Promise.all(widths.map((w) => sharp(data, raw)
    .resize(w, null, { withoutEnlargement: true, kernel: 'lanczos3' })
    .webp({ quality: 80, effort: 4 }).toBuffer()));
}

async function pass(count) {
  let next = 0;
  const client = async () => { for (let i; (i = next++) < count;) await page(files[i % files.length]); };
  await Promise.all([client(), client()]);
}

await pass(files.length); // warm-up
const cpu = process.cpuUsage();
const started = process.hrtime.bigint();
await pass(files.length * rounds);
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({
  pages: files.length * rounds,
  cpuSeconds: (used.user + used.system) / 1e6,
  seconds: Number(process.hrtime.bigint() - started) / 1e9,
}));
