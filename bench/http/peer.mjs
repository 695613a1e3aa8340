// The HTTP benchmark's peer: a Node.js + sharp image service of the same architecture as AWS's
// image-optimization sample. A request for a rendition looks in the destination bucket first
// (the sample's CloudFront origin group does this with an S3 origin); a miss GETs the original from
// the source bucket, transforms it with sharp, PUTs the result to the destination bucket and
// answers it. S3 ObjectCreated notifications posted to /events make the default rendition, as the
// original upload-time Lambda does.
//
//   PORT=8080 S3_ENDPOINT=http://127.0.0.1:5000 SOURCE_BUCKET=originals DESTINATION_BUCKET=renditions node peer.mjs
//
// Transform defaults are the service's (src/ImageApi/appsettings.json): fit inside, WebP q80 effort 4,
// JPEG q80 without mozjpeg's trellis tricks, Lanczos-3, no enlargement, no metadata in the output.
import { createServer } from 'node:http';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';

const env = (name, fallback) => process.env[name] ?? fallback ?? (() => { throw new Error(`${name} is not set`); })();
const port = Number(env('PORT'));
const sourceBucket = env('SOURCE_BUCKET');
const destinationBucket = env('DESTINATION_BUCKET');
const s3 = new S3Client({
  endpoint: env('S3_ENDPOINT'),
  forcePathStyle: true,
  region: env('AWS_REGION', 'us-east-1'),
});

// Like the service (libvips' operation cache off): distinct requests never share decoded pixels.
sharp.cache(false);

const DEFAULTS = { w: 800, h: 800, fit: 'inside', format: 'webp', q: 80 };
const FITS = new Set(['inside', 'cover', 'contain', 'fill']);
const FORMATS = { webp: 'image/webp', jpeg: 'image/jpeg', png: 'image/png' };

class BadRequest extends Error {}

/** The query as a transform; no w and no h is the default rendition, as in the service. */
function parseTransform(query) {
  const int = (name, max) => {
    const text = query.get(name);
    if (text === null || text === '') return null;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > max) throw new BadRequest(`${name} must be 1-${max}`);
    return value;
  };
  let w = int('w', 4096);
  let h = int('h', 4096);
  if (w === null && h === null) ({ w, h } = DEFAULTS);
  const fit = query.get('fit') ?? DEFAULTS.fit;
  const format = query.get('format') ?? DEFAULTS.format;
  const q = int('q', 100) ?? DEFAULTS.q;
  if (!FITS.has(fit)) throw new BadRequest('fit must be inside, cover, contain or fill');
  if (!FORMATS[format]) throw new BadRequest('format must be webp, jpeg or png');
  return { w, h, fit, format, q };
}

/** One stored name per distinct output, like the sample's "<key>/format=..,width=.." objects. */
const renditionKey = (key, t) => `${key}/w=${t.w ?? ''},h=${t.h ?? ''},fit=${t.fit},format=${t.format},q=${t.q}`;

async function transform(original, t) {
  let image = sharp(original, { failOn: 'none' })
    .rotate() // EXIF orientation, as the service applies it
    .resize(t.w, t.h, { fit: t.fit, withoutEnlargement: true, kernel: 'lanczos3' });
  if (t.format === 'jpeg') {
    image = image.flatten({ background: '#ffffff' }).jpeg({ quality: t.q, mozjpeg: false });
  } else if (t.format === 'webp') {
    image = image.webp({ quality: t.q, effort: 4 });
  } else {
    image = image.png();
  }
  return image.toBuffer(); // sharp keeps no metadata unless asked (withMetadata)
}

async function getObject(bucket, key) {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { body: Buffer.from(await response.Body.transformToByteArray()), etag: response.ETag };
  } catch (error) {
    if (error.name === 'NoSuchKey' || error.$metadata?.httpStatusCode === 404) return null;
    throw error;
  }
}

async function render(key, t) {
  const original = await getObject(sourceBucket, key);
  if (!original) return null;
  const body = await transform(original.body, t);
  await s3.send(new PutObjectCommand({
    Bucket: destinationBucket, Key: renditionKey(key, t), Body: body, ContentType: FORMATS[t.format],
  }));
  return body;
}

async function serveImage(key, query, response) {
  const t = parseTransform(query);
  const stored = await getObject(destinationBucket, renditionKey(key, t));
  const body = stored?.body ?? await render(key, t);
  if (!body) return send(response, 404, 'application/json', JSON.stringify({ error: 'no such original' }));
  response.setHeader('Cache-Control', 'public, max-age=86400');
  response.setHeader('X-Cache', stored ? 'hit' : 'miss');
  send(response, 200, FORMATS[t.format], body);
}

/** S3 ObjectCreated records: make each original's default rendition. */
async function handleEvent(body) {
  const records = JSON.parse(body).Records ?? [];
  const results = [];
  for (const record of records) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    if (!record.eventName?.startsWith('ObjectCreated:') || record.s3.bucket.name !== sourceBucket) {
      results.push({ key, outcome: 'ignored' });
      continue;
    }
    const made = await render(key, { ...DEFAULTS });
    results.push({ key, outcome: made ? 'rendition-made' : 'source-gone' });
  }
  return { records: results };
}

function send(response, status, contentType, body) {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

const readBody = async (request) => {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
};

createServer(async (request, response) => {
  try {
    const url = new URL(request.url, 'http://peer');
    if (request.method === 'GET' && url.pathname.startsWith('/images/')) {
      await serveImage(decodeURIComponent(url.pathname.slice('/images/'.length)), url.searchParams, response);
    } else if (request.method === 'POST' && url.pathname === '/events') {
      send(response, 200, 'application/json', JSON.stringify(await handleEvent(await readBody(request))));
    } else if (url.pathname === '/healthz') {
      send(response, 200, 'text/plain', 'ok');
    } else {
      send(response, 404, 'application/json', JSON.stringify({ error: 'not found' }));
    }
  } catch (error) {
    const status = error instanceof BadRequest ? 400 : 500;
    if (status === 500) console.error(error);
    if (!response.headersSent) send(response, status, 'application/json', JSON.stringify({ error: error.message }));
  }
}).listen(port, '127.0.0.1');
