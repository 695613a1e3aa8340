// next.config.js: images: { loader: 'custom', loaderFile: './imgix-loader.js' }
// Next.js's imgix loader, pointed at ImageApi: auto=format, fit=max and w are read as format=auto,
// fit=inside and w there.
export default function imgixLoader({ src, width, quality }) {
  const url = new URL(src, process.env.NEXT_PUBLIC_IMAGEAPI_URL)
  const params = url.searchParams
  params.set('auto', params.getAll('auto').join(',') || 'format')
  params.set('fit', params.get('fit') || 'max')
  params.set('w', params.get('w') || width.toString())
  if (quality) {
    params.set('q', quality.toString())
  }
  return url.href
}
