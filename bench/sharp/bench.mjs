// sharp's side of the benchmark: the same scenarios as bench/ImageApi.Bench, on the same files,
// with two concurrent workers. Prints one JSON line.
//   node bench.mjs --scenario default --corpus ../corpus --rounds 3
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const scenario = arg('scenario', 'default');
const corpus = arg('corpus', '../corpus');
const rounds = Number(arg('rounds', '3'));
const workers = Number(arg('workers', '2'));
const save = arg('save', null);
const avifStudy = arg('avif-study', null);

// No operation cache: every file is decoded again each time, as a service would for distinct requests.
sharp.cache(false);

const scenarios = {
  default: (s) => s.rotate().resize(800, 800, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80 }),
  'w400-jpeg': (s) => s.rotate().resize({ width: 400, withoutEnlargement: true }).jpeg({ quality: 80 }),
  // For sharp an original's first new size is like any other.
  'first-size': (s) => s.rotate().resize({ width: 400, withoutEnlargement: true }).jpeg({ quality: 80 }),
  'w1200-webp': (s) => s.rotate().resize({ width: 1200, withoutEnlargement: true }).webp({ quality: 80 }),
  cover300: (s) => s.rotate().resize(300, 300, { fit: 'cover' }).webp({ quality: 80 }),
};
// The AVIF study (Studies.cs): the same 800 px pixels the .NET side encodes (reference/*.png), encoded by
// sharp's AVIF at each setting and by its WebP default, one image at a time with one libvips thread.
if (avifStudy) {
  sharp.concurrency(1);
  const refs = readdirSync(join(avifStudy, 'reference')).filter((f) => f.endsWith('.png')).sort();
  const settings = [{ format: 'webp', q: 80, effort: 4 }];
  for (const effort of [2, 4]) for (const q of [45, 50, 55, 60, 65]) settings.push({ format: 'avif', q, effort });
  const result = [];
  for (const setting of settings) {
    const dir = join(avifStudy, 'sharp', `${setting.format}-q${setting.q}-e${setting.effort}`);
    mkdirSync(dir, { recursive: true });
    const ms = {};
    for (const name of refs) {
      const { data, info } = await sharp(join(avifStudy, 'reference', name)).raw().toBuffer({ resolveWithObject: true });
      const encode = () => {
        const s = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
        return setting.format === 'avif'
          ? s.avif({ quality: setting.q, effort: setting.effort }).toBuffer()
          : s.webp({ quality: setting.q, effort: setting.effort }).toBuffer();
      };
      let out = await encode();
      let best = Infinity;
      for (let i = 0; i < 2; i++) {
        const start = process.hrtime.bigint();
        out = await encode();
        best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
      }
      ms[name] = best;
      writeFileSync(join(dir, `${name}.${setting.format}`), out);
    }
    result.push({ ...setting, ms });
  }
  writeFileSync(join(avifStudy, 'sharp', 'times.json'), JSON.stringify(result));
  process.exit(0);
}

const make = scenarios[scenario];
if (!make) throw new Error(`unknown scenario ${scenario}`);

const files = readdirSync(corpus).filter((f) => !f.startsWith('.')).sort().map((f) => ({ name: f, bytes: readFileSync(join(corpus, f)) }));

async function run(count, latencies, outputs) {
  let next = 0;
  const worker = async () => {
    while (true) {
      const i = next++;
      if (i >= count) return;
      const file = files[i % files.length];
      const start = process.hrtime.bigint();
      const out = await make(sharp(file.bytes)).toBuffer();
      latencies?.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (outputs && i < files.length) {
        outputs[file.name] = out.length;
        if (save) { mkdirSync(save, { recursive: true }); writeFileSync(join(save, file.name), out); }
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}

// Warm-up: whole passes for at least three seconds, as for the .NET side (which needs it for its JIT).
const warming = process.hrtime.bigint();
do { await run(files.length, null, null); } while (Number(process.hrtime.bigint() - warming) / 1e9 < 3);
const latencies = [];
const outputs = {};
const started = process.hrtime.bigint();
await run(files.length * rounds, latencies, outputs);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
console.log(JSON.stringify({
  engine: 'sharp',
  version: sharp.versions.sharp,
  libvips: sharp.versions.vips,
  scenario,
  operations: latencies.length,
  seconds,
  throughput: latencies.length / seconds,
  p50: pct(0.5),
  p95: pct(0.95),
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  outputBytes: outputs,
}));
