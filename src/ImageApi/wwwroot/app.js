// The upload page: ask POST /uploads for a presigned URL, PUT the file straight to it (the app's own
// signed endpoint in the embedded mode, S3 otherwise), then show the renditions. No build step, no library.
'use strict';

const WIDTHS = [320, 640, 960, 1280];
const UPLOAD_TIMEOUT_MS = 10 * 60 * 1000;
const RENDITION_TIMEOUT_MS = 60 * 1000;

const $ = (id) => document.getElementById(id);

function formatBytes(bytes) {
  if (bytes >= 1024 * 1024) return (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '') + ' MB';
  if (bytes >= 1024) return Math.round(bytes / 1024) + ' KB';
  return bytes + ' bytes';
}

function showError(message) {
  $('progress-section').hidden = true;
  $('status').textContent = '';
  const error = $('error');
  error.textContent = message;
  error.hidden = false;
}

function showStatus(message) {
  $('status').textContent = message;
}

// Problem details from POST /uploads, in words a person understands.
function describeTicketProblem(problem, file) {
  const errors = (problem && problem.errors) || {};
  const limits = (problem && problem.limits) || {};
  if (errors.contentType) {
    const allowed = (limits.allowedContentTypes || ['image/jpeg', 'image/png', 'image/webp', 'image/gif'])
      .map((t) => t.replace('image/', '').toUpperCase()).join(', ');
    return `“${file.name}” is not an image type we accept. Please choose ${allowed}.`;
  }
  if (errors.contentLength) {
    if (file.size === 0) return `“${file.name}” is empty.`;
    return `“${file.name}” is too large (${formatBytes(file.size)}). The largest upload is ${formatBytes(limits.maxBytes || 0)}.`;
  }
  if (errors.fileName) return 'This file name cannot be used. Please rename the file and try again.';
  return (problem && problem.detail) || 'The upload could not be started.';
}

// What the storage said when the upload itself failed (the app's signed PUT or S3's).
function describeUploadFailure(status, body, file, ticket) {
  const text = body || '';
  if (status === 403 && /expired/i.test(text)) return 'The upload link expired before the file was sent. Please try again.';
  if (status === 413 || /EntityTooLarge/.test(text)) return `“${file.name}” is larger than announced and was refused. Please try again.`;
  if (status === 403) return 'The upload was refused by the storage (the upload link is not valid for this file). Please try again.';
  if (status === 409 || status === 412) return 'This upload link was already used. Please try again.';
  return `The upload failed (${status}). Please try again.`;
}

async function requestTicket(file) {
  let response;
  try {
    response = await fetch('uploads', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, application/problem+json' },
      body: JSON.stringify({ fileName: file.name, contentType: file.type, contentLength: file.size }),
    });
  } catch {
    throw new Error('Network failure: the service could not be reached. Check your connection and try again.');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(describeTicketProblem(body, file));
  return body;
}

// XMLHttpRequest, because fetch cannot report upload progress.
function sendFile(ticket, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(ticket.method, ticket.uploadUrl);
    xhr.timeout = UPLOAD_TIMEOUT_MS;
    // Exactly the ticket's headers (they are signed). Content-Length is signed too: the browser sets it
    // from the file, which is the size the ticket was asked for.
    for (const [name, value] of Object.entries(ticket.headers || {})) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else reject(new Error(describeUploadFailure(xhr.status, xhr.responseText, file, ticket)));
    };
    xhr.onerror = () => reject(new Error('Network failure: the upload did not reach the storage. Check your connection and try again.'));
    xhr.ontimeout = () => reject(new Error('The upload took too long and was stopped. Please try again.'));
    xhr.onabort = () => reject(new Error('The upload was cancelled.'));
    xhr.send(file);
  });
}

// Resolves once the image has loaded; explains a failed rendition with the API's problem detail.
function loadImage(img, src) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The image is taking too long to appear. Please reload the page.')), RENDITION_TIMEOUT_MS);
    img.onload = () => { clearTimeout(timer); resolve(img); };
    img.onerror = async () => {
      clearTimeout(timer);
      let detail = '';
      try {
        const response = await fetch(src);
        const problem = await response.json();
        detail = problem.detail ? ' ' + problem.detail : '';
      } catch { /* the message below is enough */ }
      reject(new Error('The image could not be processed.' + detail));
    };
    img.src = src;
  });
}

function showResult(ticket) {
  const base = ticket.imageUrl;
  const srcset = WIDTHS.map((w) => `${base}?w=${w} ${w}w`).join(', ');
  const sizes = '(max-width: 52rem) 100vw, 52rem';
  const responsive = $('responsive');
  responsive.sizes = sizes;
  responsive.srcset = srcset;
  responsive.src = `${base}?w=${WIDTHS[1]}`;
  $('srcset-code').textContent = `<img srcset="${srcset}" sizes="${sizes}">`;

  const list = $('size-links');
  list.replaceChildren(...['', ...WIDTHS.map((w) => `?w=${w}`), '?w=300&h=300&fit=cover', '?w=640&format=jpeg'].map((query) => {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = base + query;
    link.textContent = query === '' ? 'default (fit inside 800×800, WebP)' : query.slice(1);
    item.append(link);
    return item;
  }));
  $('key').textContent = ticket.key;
  $('result').hidden = false;
}

async function upload(file) {
  $('error').hidden = true;
  $('result').hidden = true;
  showStatus('');
  $('progress-label').textContent = `Uploading ${file.name}…`;
  $('progress').value = 0;
  $('progress-text').textContent = '0 %';
  $('progress-section').hidden = false;
  try {
    const ticket = await requestTicket(file);
    await sendFile(ticket, file, (fraction) => {
      const percent = Math.round(fraction * 100);
      $('progress').value = percent;
      $('progress-text').textContent = `${percent} %`;
    });
    $('progress').value = 100;
    $('progress-text').textContent = '100 %';
    $('progress-label').textContent = `Uploaded ${file.name}`;
    showStatus('Making the image…');
    const img = await loadImage($('default-rendition'), ticket.imageUrl);
    $('default-size').textContent = `${img.naturalWidth}×${img.naturalHeight}`;
    showResult(ticket);
    showStatus(`Done: ${file.name} is ready.`);
  } catch (error) {
    showError(error.message);
  }
}

function init() {
  const input = $('file');
  const zone = $('drop-zone');
  input.addEventListener('change', () => { if (input.files.length > 0) upload(input.files[0]); });
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, (e) => { e.preventDefault(); zone.classList.add('dragging'); });
  }
  for (const type of ['dragleave', 'drop']) {
    zone.addEventListener(type, () => zone.classList.remove('dragging'));
  }
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (file) upload(file);
  });
}

init();
