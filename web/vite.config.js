// Builds the web interface into ../build/web, which `jineng serve` serves.
// Everything the pages need is bundled: no request ever leaves the intranet.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const outDir = fileURLToPath(new URL('../build/web', import.meta.url))

// Writes FILE.gz next to every text asset; the server sends it to browsers
// that accept gzip (a county office's link may be slow).
function precompress() {
  return {
    name: 'jineng-precompress',
    apply: 'build',
    closeBundle() {
      const walk = (dir) => {
        for (const name of readdirSync(dir)) {
          const p = join(dir, name)
          if (statSync(p).isDirectory()) walk(p)
          else if (/\.(js|css|html|svg|json|map)$/.test(name)) {
            const raw = readFileSync(p)
            if (raw.length > 1024) writeFileSync(p + '.gz', gzipSync(raw, { level: 9 }))
          }
        }
      }
      walk(outDir)
    },
  }
}

export default defineConfig({
  plugins: [vue(), precompress()],
  base: '/',
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element-plus'
          if (id.includes('node_modules/')) return 'vendor'
        },
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080' },
  },
})
