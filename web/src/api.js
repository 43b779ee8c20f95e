// api.js — the one way pages talk to jineng: JSON over fetch with the
// session token, problems (RFC 9457) turned into ApiError with per-field
// messages, and file downloads for exports.
import { session, clearSession } from './session.js'
import router from './router.js'

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `请求失败（${status}）`)
    this.status = status
    this.code = (problem && problem.code) || 'http_' + status
    this.title = (problem && problem.title) || ''
    this.problem = problem || {}
    // field name -> Chinese message, for el-form-item :error
    this.fields = {}
    for (const e of (problem && problem.errors) || []) {
      if (!this.fields[e.field]) this.fields[e.field] = e.message
    }
  }
}

function headers(extra) {
  const h = { Accept: 'application/json', ...extra }
  if (session.token) h.Authorization = 'Bearer ' + session.token
  return h
}

async function handle(res) {
  if (res.status === 204) return null
  const type = res.headers.get('Content-Type') || ''
  const body = type.includes('json') ? await res.json().catch(() => null) : null
  if (res.ok) return body
  if (res.status === 401 && session.token) {
    clearSession()
    router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath, expired: '1' } })
  }
  throw new ApiError(res.status, body)
}

export function qs(params) {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') p.set(k, v)
  }
  const s = p.toString()
  return s ? '?' + s : ''
}

export async function get(path, params) {
  return handle(await fetch('/api/v1' + path + qs(params), { headers: headers() }))
}

export async function send(method, path, body, params) {
  const res = await fetch('/api/v1' + path + qs(params), {
    method,
    headers: headers({ 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return handle(res)
}

export const post = (path, body, params) => send('POST', path, body, params)
export const patch = (path, body, params) => send('PATCH', path, body, params)
export const put = (path, body, params) => send('PUT', path, body, params)
export const del = (path) => send('DELETE', path)

// Uploads a file as the raw request body; onProgress(fraction) while sending.
// method: POST (imports) or PUT (a candidate's evidence file).
export function upload(path, file, params, onProgress, method = 'POST') {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest()
    x.open(method, '/api/v1' + path + qs(params))
    if (session.token) x.setRequestHeader('Authorization', 'Bearer ' + session.token)
    x.setRequestHeader('Content-Type', 'application/octet-stream')
    x.upload.onprogress = (e) => e.lengthComputable && onProgress && onProgress(e.loaded / e.total)
    x.onload = () => {
      let body = null
      try { body = JSON.parse(x.responseText) } catch { /* not JSON */ }
      if (x.status >= 200 && x.status < 300) resolve(body)
      else reject(new ApiError(x.status, body))
    }
    x.onerror = () => reject(new ApiError(0, { detail: '网络连接中断，请检查网络后重试' }))
    x.send(file)
  })
}

// Fetches a file (an export) with the token and hands it to the browser.
export async function download(path, params, fallbackName) {
  const res = await fetch('/api/v1' + path + qs(params), { headers: headers({ Accept: '*/*' }) })
  if (!res.ok) await handle(res)
  const blob = await res.blob()
  let name = fallbackName || 'export'
  const cd = res.headers.get('Content-Disposition') || ''
  const m = /filename\*=UTF-8''([^;]+)/i.exec(cd) || /filename="?([^";]+)"?/i.exec(cd)
  if (m) name = decodeURIComponent(m[1])
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = name
  document.body.appendChild(a)
  a.click()
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove() }, 1000)
  return name
}

// Fetches a file with the token (a certificate's PDF) for the page to show:
// { blob, name }.  Refusals throw ApiError like everything else.
export async function fetchBlob(path, params) {
  const res = await fetch('/api/v1' + path + qs(params), { headers: headers({ Accept: '*/*' }) })
  if (!res.ok) await handle(res)
  const blob = await res.blob()
  const cd = res.headers.get('Content-Disposition') || ''
  const m = /filename\*=UTF-8''([^;]+)/i.exec(cd) || /filename="?([^";]+)"?/i.exec(cd)
  return { blob, name: m ? decodeURIComponent(m[1]) : '' }
}
