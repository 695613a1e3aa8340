// A signed ImageApi URL, made by your backend (Node.js): HMAC-SHA256 over "<key>\n<canonical query>",
// base64url without padding. The canonical query is what the service reads the request as: the
// table's names (w, not width), in the table's order, values lower-case, dpr already folded into w
// and h. Keep the signing key on the server.
import { createHmac } from 'node:crypto'

const ORDER = ['w', 'h', 'fit', 'format', 'q', 'exp', 'gravity', 'fp-x', 'fp-y', 'bg', 'rot', 'flip', 'blur', 'sharpen', 'preset']

export function signedImageUrl(base, key, params, signingKey) {
  const query = ORDER.filter((name) => params[name] !== undefined)
    .map((name) => `${name}=${String(params[name]).toLowerCase()}`)
    .join('&')
  const sig = createHmac('sha256', signingKey).update(`${key}\n${query}`).digest('base64url')
  const path = key.split('/').map(encodeURIComponent).join('/')
  return `${base}/images/${path}?${query}${query ? '&' : ''}sig=${sig}`
}
