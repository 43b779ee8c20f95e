// training.js — what the training pages share (培训、培训券、补贴、资金、
// 终身档案): the API's codes and their Chinese names, tag colours, money
// in fen shown as yuan, and the groups a worker may belong to.

// 人员类别 (core/tags.c, in its order).
export const PERSON_TAGS = ['脱贫户', '低保家庭', '退役军人', '残疾人', '高校毕业生', '农村转移劳动力', '失业人员', '就业困难人员', '农民工', '返乡创业人员']

// Categories a class may have, and the wider set of a programme (core/training.c).
export const CLASS_CATEGORIES = ['就业技能培训', '岗位技能提升培训', '创业培训', '企业新型学徒制', '劳动预备制培训', '再就业培训', '职业技能培训']
export const PROGRAMME_CATEGORIES = [...CLASS_CATEGORIES, '规划目标', '载体建设', '人才计划', '技能评价', '师资建设']

export const MODES = { offline: '线下', online: '线上' }

export const CLASS_STATES = {
  open: { name: '报名中', type: 'primary' },
  running: { name: '培训中', type: 'warning' },
  closed: { name: '已结业', type: 'success' },
}
export const ENROLMENT_STATES = {
  enrolled: { name: '在训', type: 'primary' },
  withdrawn: { name: '已退出', type: 'info' },
  completed: { name: '已结业', type: 'success' },
  incomplete: { name: '未结业', type: 'danger' },
}
export const RESULTS = { passed: { name: '合格', type: 'success' }, failed: { name: '不合格', type: 'danger' } }

export const VOUCHER_STATES = {
  issued: { name: '未使用', type: 'primary' },
  used: { name: '已使用', type: 'warning' },
  redeemed: { name: '已兑付', type: 'success' },
  expired: { name: '已过期', type: 'info' },
}

export const CLAIM_KINDS = { training: '职业培训补贴', upgrade: '技能提升补贴' }
export const CLAIM_STATES = {
  submitted: { name: '已提交', type: 'primary' },
  reviewed: { name: '县级已审核', type: 'warning' },
  approved: { name: '市级已审批', type: 'success' },
  paid: { name: '已拨付', type: 'success' },
  refused: { name: '不予补贴', type: 'danger' },
}
export const CLAIM_FLOW = ['submitted', 'reviewed', 'approved', 'paid']

// The record's kinds (app/record.c) and their timeline colours.
export const RECORD_KINDS = {
  training: { name: '培训', type: 'primary' },
  enrolment: { name: '报名培训', type: 'info' },
  certificate: { name: '取得证书', type: 'success' },
  certificate_revoked: { name: '证书注销', type: 'danger' },
  voucher: { name: '培训券', type: 'info' },
  voucher_used: { name: '使用培训券', type: 'info' },
  voucher_expired: { name: '培训券过期', type: 'info' },
  subsidy: { name: '补贴', type: 'warning' },
  correction: { name: '更正', type: 'danger' },
}

export const LEDGER_KINDS = { budget: '预算下达', payment: '补贴支付', adjustment: '调整' }

// A state's name and tag type from one of the tables above; the API's own
// name (x_name) wins when it sends one.
export function stateOf(table, code, name) {
  const s = table[code] || {}
  return { name: name || s.name || code || '—', type: s.type || 'info' }
}

// Money: fen (integer) → "¥1,500.00"; yuan typed by a person → fen.
export function yuan(fen) {
  if (fen === null || fen === undefined || fen === '') return '—'
  const n = Number(fen)
  const neg = n < 0
  const abs = Math.abs(n)
  const y = Math.floor(abs / 100).toLocaleString('en-US')
  const f = String(abs % 100).padStart(2, '0')
  return (neg ? '-' : '') + '¥' + y + '.' + f
}
export function toFen(y) {
  if (y === null || y === undefined || y === '') return null
  return Math.round(Number(y) * 100)
}

export const n = (x) => (x === null || x === undefined ? '—' : Number(x).toLocaleString('zh-CN'))
export const pct = (x, digits = 1) => (x === null || x === undefined ? '—' : (x * 100).toFixed(digits) + '%')

// A session time (UTC ISO) as China time "YYYY-MM-DD HH:MM"; and back:
// what a person picks in China time → "YYYY-MM-DDTHH:MM:00+08:00".
export function cst(t) {
  if (!t) return ''
  const d = new Date(t)
  if (Number.isNaN(d.getTime())) return String(t)
  return new Date(d.getTime() + 8 * 3600e3).toISOString().replace('T', ' ').slice(0, 16)
}
export function cstIn(local) {
  if (!local) return ''
  return local.replace(' ', 'T').slice(0, 16) + ':00+08:00'
}
