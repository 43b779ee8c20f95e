// cert-common.js — what the certification pages share: the names of batch
// states, routes, diplomas and exceptional-promotion bases (the API's codes),
// the colours of their tags, and Beijing-time formatting.

export const BATCH_STATES = {
  planned: { name: '计划中', type: 'info' },
  submitted: { name: '已提交', type: 'primary' },
  returned: { name: '已退回', type: 'warning' },
  reviewed: { name: '县级已审核', type: 'primary' },
  notice: { name: '公示中', type: 'warning' },
  approved: { name: '已审批', type: 'success' },
  issued: { name: '已发证', type: 'success' },
  revoked: { name: '已撤销', type: 'danger' },
}

// The normal path of a batch, for the steps bar.
export const FLOW = ['planned', 'submitted', 'reviewed', 'notice', 'approved', 'issued']

export const CERT_STATUS = {
  valid: { name: '有效', type: 'success' },
  pending: { name: '待发证', type: 'warning' },
  revoked: { name: '已注销', type: 'danger' },
}

export const ROUTES = {
  normal: '正常申报',
  direct: '直接认定',
  exceptional: '破格晋升',
  special: '特级技师、首席技师评聘',
}

export const DIPLOMAS = [
  { value: 'none', label: '无' },
  { value: 'apprenticeship', label: '本职业学徒期满' },
  { value: 'technical_school', label: '技工学校本专业毕业' },
  { value: 'senior_technical_school', label: '高级技工学校、技师学院本专业毕业' },
  { value: 'preparatory_technician', label: '技师学院预备技师班毕业' },
  { value: 'college_in_field', label: '大专及以上本专业学历' },
]

export const EXCEPTIONAL_BASES = [
  { value: 'major_technical_problem', label: '解决重大工艺技术难题和重大质量问题' },
  { value: 'innovation_award', label: '技术创新成果等奖项' },
  { value: 'competition_placing', label: '职业技能竞赛获奖' },
  { value: 'master_apprentice', label: '“师带徒”业绩突出' },
]

export const BODY_TYPES = { Y: '用人单位自主评价', S: '社会培训评价组织' }

// An ISO timestamp (UTC) as Beijing time, "YYYY-MM-DD HH:MM".
export function bjTime(t, seconds = false) {
  if (!t) return ''
  const d = new Date(t)
  if (Number.isNaN(d.getTime())) return String(t)
  const s = new Date(d.getTime() + 8 * 3600 * 1000).toISOString().replace('T', ' ')
  return s.slice(0, seconds ? 19 : 16)
}

// Today in Beijing, "YYYY-MM-DD".
export function bjToday() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)
}

// 男/女 from an 18-digit ID number (its 17th digit), '' otherwise.
export function genderOf(id) {
  if (!id || id.length !== 18 || !/\d/.test(id[16])) return ''
  return Number(id[16]) % 2 ? '男' : '女'
}

// Every message of a refusal: the detail, then each field's own message
// that the detail does not already say.
export function problemLines(e) {
  const out = []
  const detail = (e && e.message) || ''
  if (detail) out.push(detail)
  for (const x of (e && e.problem && e.problem.errors) || []) {
    if (x.message && !out.some((l) => l.includes(x.message))) out.push(x.message)
  }
  return out
}
