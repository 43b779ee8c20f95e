// credential.js — checks a certificate's signed credential (a VC-JWT, EdDSA
// over Ed25519) in the browser, with nothing but the platform's public keys
// (/.well-known/jwks.json): the header's kid picks the key, the signature
// covers "header.payload" byte for byte.
//
// WebCrypto's Ed25519 is used where the browser has it; where it does not
// (older phones, and any page opened over plain http on an intranet host,
// where crypto.subtle does not exist at all) the pure-JS TweetNaCl checks
// the same signature.
import nacl from 'tweetnacl'

export class CredentialError extends Error {
  constructor(code, message) {
    super(message)
    this.code = code
  }
}

const B64URL = /^[A-Za-z0-9_-]*$/
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

function bytesToB64url(bytes) {
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2]
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63]
  }
  if (bytes.length - i === 1) {
    const n = bytes[i] << 16
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63]
  } else if (bytes.length - i === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8)
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63]
  }
  return out
}

// Strict base64url: only its alphabet, no padding, and the one canonical
// spelling of the bytes (so that no character can change unnoticed, not
// even the unused low bits of the last one).
export function b64urlToBytes(s, what) {
  if (!B64URL.test(s) || s.length % 4 === 1) throw new CredentialError('malformed', `${what}不是有效的 base64url 编码`)
  const std = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)
  let bin
  try { bin = atob(std) } catch { throw new CredentialError('malformed', `${what}不是有效的 base64url 编码`) }
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  if (bytesToB64url(bytes) !== s) throw new CredentialError('malformed', `${what}的编码不规范（有字符被改动）`)
  return bytes
}

function jsonPart(s, what) {
  const bytes = b64urlToBytes(s, what)
  let text
  try { text = new TextDecoder('utf-8', { fatal: true }).decode(bytes) } catch { throw new CredentialError('malformed', `${what}不是 UTF-8 文本`) }
  try {
    const v = JSON.parse(text)
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error()
    return v
  } catch { throw new CredentialError('malformed', `${what}不是 JSON 对象`) }
}

// The parts of a compact JWS; throws CredentialError('malformed').
export function decodeJwt(jwt) {
  const parts = String(jwt || '').trim().split('.')
  if (parts.length !== 3) throw new CredentialError('malformed', '电子证书格式不对（应为三段，以“.”分隔）')
  const header = jsonPart(parts[0], '签名头')
  let payload = null
  let payloadError = null
  try { payload = jsonPart(parts[1], '证书内容') } catch (e) { payloadError = e }
  const signature = b64urlToBytes(parts[2], '签名')
  const signingInput = new TextEncoder().encode(parts[0] + '.' + parts[1])
  return { header, payload, payloadError, signature, signingInput }
}

let jwksCache = null
export async function fetchJwks() {
  if (!jwksCache) {
    jwksCache = fetch('/.well-known/jwks.json', { headers: { Accept: 'application/jwk-set+json, application/json' } })
      .then(async (r) => {
        if (!r.ok) throw new CredentialError('no_keys', `无法取得平台的签名公钥（${r.status}）`)
        const j = await r.json()
        if (!j || !Array.isArray(j.keys)) throw new CredentialError('no_keys', '平台的签名公钥格式不对')
        return j
      })
      .catch((e) => {
        jwksCache = null
        throw e instanceof CredentialError ? e : new CredentialError('no_keys', '无法取得平台的签名公钥，请检查网络后重试')
      })
  }
  return jwksCache
}

async function webcryptoVerify(jwk, signature, data) {
  const subtle = globalThis.crypto && globalThis.crypto.subtle
  if (!subtle) return null
  let key
  try {
    key = await subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, false, ['verify'])
  } catch {
    return null // this browser has no Ed25519 in WebCrypto
  }
  try {
    return await subtle.verify({ name: 'Ed25519' }, key, signature, data)
  } catch {
    return null
  }
}

// Verifies jwt against the JWK Set.  Answers
//   { valid, code, message, header, payload, method }
// valid is true only when the signature checks with the key the header
// names; code says why not (malformed, bad_alg, unknown_kid, bad_key,
// bad_signature, not_yet_valid, expired).  payload is given whenever it
// could be read, valid or not, so the page can show what was claimed.
export async function verifyCredential(jwt, jwks) {
  let d
  try {
    d = decodeJwt(jwt)
  } catch (e) {
    return { valid: false, code: e.code || 'malformed', message: e.message, header: null, payload: null, method: '' }
  }
  const fail = (code, message) => ({ valid: false, code, message, header: d.header, payload: d.payload, method: '' })
  if (d.header.alg !== 'EdDSA') return fail('bad_alg', `签名算法“${d.header.alg ?? '（无）'}”不被接受，只接受 EdDSA`)
  if (d.header.crit !== undefined) return fail('bad_alg', '签名头含有不认识的关键参数')
  const jwk = (jwks.keys || []).find((k) => k && k.kid === d.header.kid)
  if (!jwk) return fail('unknown_kid', `没有编号为“${d.header.kid ?? ''}”的平台公钥`)
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || (jwk.alg && jwk.alg !== 'EdDSA') || typeof jwk.x !== 'string') {
    return fail('bad_key', '平台公钥不是 Ed25519 密钥')
  }
  let pub
  try { pub = b64urlToBytes(jwk.x, '公钥') } catch { return fail('bad_key', '平台公钥格式不对') }
  if (pub.length !== 32) return fail('bad_key', '平台公钥长度不对')
  if (d.signature.length !== 64) return fail('bad_signature', '签名长度不对')
  let ok = await webcryptoVerify(jwk, d.signature, d.signingInput)
  let method = 'WebCrypto'
  if (ok === null) {
    ok = nacl.sign.detached.verify(d.signingInput, d.signature, pub)
    method = 'TweetNaCl'
  }
  if (!ok) return { ...fail('bad_signature', '签名与内容不符：证书内容被改动，或不是本平台签发'), method }
  if (d.payloadError) return { ...fail('malformed', d.payloadError.message), method }
  const now = Math.floor(Date.now() / 1000)
  if (typeof d.payload.nbf === 'number' && d.payload.nbf > now + 300) return { ...fail('not_yet_valid', '电子证书尚未生效'), method }
  if (typeof d.payload.exp === 'number' && d.payload.exp < now - 300) return { ...fail('expired', '电子证书已过期'), method }
  return { valid: true, code: 'valid', message: '', header: d.header, payload: d.payload, method }
}
