// Builds srcsets with Next.js's own getImageProps and the loaders of docs/recipes, as a Next.js page
// would, and prints them as JSON: every URL with the width Next asked the loader for.
// Usage: NEXT_PUBLIC_IMAGEAPI_URL=http://127.0.0.1:5000 node srcset.mjs /images/<key>
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const require = createRequire(import.meta.url)
const { getImageProps } = require('next/image')
const { imageConfigDefault } = require('next/dist/shared/lib/image-config')

const recipes = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'recipes')
const loaders = {
  cloudfront: (await import(pathToFileURL(path.join(recipes, 'next-cloudfront-loader.js')))).default,
  imgix: (await import(pathToFileURL(path.join(recipes, 'next-imgix-loader.js')))).default,
}

const src = process.argv[2]
// A full-width hero, a small thumbnail at 1x and 2x, and a responsive card: between them every
// default device and image size.
const layouts = [
  { fill: true, sizes: '100vw' },
  { width: 64, height: 48 },
  { fill: true, sizes: '(max-width: 600px) 5vw, 10vw' },
]

const result = { deviceSizes: imageConfigDefault.deviceSizes, imageSizes: imageConfigDefault.imageSizes, loaders: {} }
for (const [name, loader] of Object.entries(loaders)) {
  const asked = new Map()
  const recording = (args) => {
    const url = loader(args)
    asked.set(url, args.width)
    return url
  }
  const urls = []
  for (const layout of layouts) {
    const { props } = getImageProps({ src, alt: '', loader: recording, ...layout })
    for (const candidate of props.srcSet.split(', ')) {
      const url = candidate.split(' ')[0]
      urls.push({ url, width: asked.get(url) })
    }
  }
  result.loaders[name] = urls
}
console.log(JSON.stringify(result))
