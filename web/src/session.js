// session.js — who is logged in.  The token lives in sessionStorage: it is
// gone when the browser tab closes (shared office computers).
import { reactive } from 'vue'

const KEY = 'jineng.session'

export const session = reactive({ token: '', user: null })

try {
  const saved = JSON.parse(sessionStorage.getItem(KEY) || 'null')
  if (saved && saved.token) Object.assign(session, saved)
} catch { /* ignore a damaged entry */ }

export function setSession(token, user) {
  session.token = token
  session.user = user
  sessionStorage.setItem(KEY, JSON.stringify({ token, user }))
}

export function clearSession() {
  session.token = ''
  session.user = null
  sessionStorage.removeItem(KEY)
}

export const ROLE_NAMES = {
  admin: '市人社局管理员', county: '县级经办员', evaluator: '评价机构', trainer: '培训机构',
  employer: '用人单位', worker: '劳动者',
}

export function hasRole(...roles) {
  return !!session.user && roles.includes(session.user.role)
}

// The admin with no region oversees everything (and reads the audit log).
export function isTopAdmin() {
  return hasRole('admin') && !session.user.region
}
