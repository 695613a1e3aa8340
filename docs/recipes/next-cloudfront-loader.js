// next.config.js: images: { loader: 'custom', loaderFile: './cloudfront-loader.js' }
// Next.js's CloudFront loader, pointed at ImageApi's distribution: width, quality and format=auto are
// read as w, q and format there, so the srcset Next builds works unchanged.
export default function cloudfrontLoader({ src, width, quality }) {
  const url = new URL(src, process.env.NEXT_PUBLIC_IMAGEAPI_URL)
  url.searchParams.set('format', 'auto')
  url.searchParams.set('width', width.toString())
  url.searchParams.set('quality', (quality || 75).toString())
  return url.href
}
