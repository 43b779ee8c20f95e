// router.js — the pages, who may open each, and the menu built from them.
// Each system (certification here; training, … later) adds its routes with
// the roles that use them; the menu follows.  /verify is public: anyone
// checks a certificate there, on a phone, without logging in.
import { createRouter, createWebHistory } from 'vue-router'
import { session, hasRole, isTopAdmin } from './session.js'

const STAFF = ['admin', 'county']
const ORGS = ['evaluator', 'trainer', 'employer']

export const routes = [
  { path: '/login', name: 'login', component: () => import('./pages/Login.vue'), meta: { public: true, bare: true, title: '登录' } },
  { path: '/', name: 'home', component: () => import('./pages/Home.vue'), meta: { title: '首页', icon: 'HomeFilled', menu: true } },
  { path: '/dashboard', name: 'dashboard', component: () => import('./pages/Dashboard.vue'), meta: { title: '统计看板', icon: 'DataAnalysis', roles: STAFF, menu: true } },
  { path: '/persons', name: 'persons', component: () => import('./pages/Persons.vue'), meta: { title: '劳动者', icon: 'User', roles: STAFF, menu: true } },
  { path: '/persons/:id(\\d+)', name: 'person', component: () => import('./pages/PersonDetail.vue'), meta: { title: '劳动者档案', roles: [...STAFF, 'worker'] } },
  { path: '/imports', name: 'imports', component: () => import('./pages/Imports.vue'), meta: { title: '批量导入', icon: 'Upload', roles: STAFF, menu: true } },
  { path: '/orgs', name: 'orgs', component: () => import('./pages/Orgs.vue'), meta: { title: '机构', icon: 'OfficeBuilding', roles: STAFF, menu: true } },
  { path: '/my-org', name: 'my-org', component: () => import('./pages/MyOrg.vue'), meta: { title: '本机构', icon: 'OfficeBuilding', roles: ORGS, menu: true } },
  { path: '/evaluators', name: 'evaluators', component: () => import('./pages/Evaluators.vue'), meta: { title: '评价机构', icon: 'School', roles: [...STAFF, 'evaluator'], menu: true } },
  { path: '/evaluators/:id(\\d+)', name: 'evaluator', component: () => import('./pages/EvaluatorDetail.vue'), meta: { title: '评价机构', roles: [...STAFF, 'evaluator'] } },
  { path: '/batches', name: 'batches', component: () => import('./pages/Batches.vue'), meta: { title: '认定批次', icon: 'Tickets', roles: [...STAFF, 'evaluator'], menu: true } },
  { path: '/batches/:id(\\d+)', name: 'batch', component: () => import('./pages/BatchDetail.vue'), meta: { title: '认定批次', roles: [...STAFF, 'evaluator'] } },
  { path: '/certificates', name: 'certificates', component: () => import('./pages/Certificates.vue'), meta: { title: '证书', icon: 'Medal', roles: [...STAFF, 'evaluator'], menu: true } },
  { path: '/certificates/:number([A-Za-z0-9]+)', name: 'certificate', component: () => import('./pages/CertificateDetail.vue'), meta: { title: '证书', roles: [...STAFF, 'evaluator', 'worker'] } },
  { path: '/verify', name: 'verify', component: () => import('./pages/Verify.vue'), meta: { public: true, bare: true, title: '证书查验' } },
  { path: '/me', name: 'me', component: () => import('./pages/PersonDetail.vue'), meta: { title: '我的档案', icon: 'Postcard', roles: ['worker'], menu: true, self: true } },
  { path: '/my-certificates', name: 'my-certificates', component: () => import('./pages/Certificates.vue'), meta: { title: '我的证书', icon: 'Medal', roles: ['worker'], menu: true } },
  // Training (培训): programmes, classes, check-in, vouchers, subsidies, funds, statistics.
  { path: '/programmes', name: 'programmes', component: () => import('./pages/Programmes.vue'), meta: { title: '培训计划', icon: 'Flag', roles: [...STAFF, 'trainer'], menu: true } },
  { path: '/classes', name: 'classes', component: () => import('./pages/Classes.vue'), meta: { title: '培训班', icon: 'Reading', roles: [...STAFF, 'trainer'], menu: true } },
  { path: '/classes/:id(\\d+)', name: 'class', component: () => import('./pages/ClassDetail.vue'), meta: { title: '培训班', roles: [...STAFF, 'trainer'] } },
  { path: '/my-trainings', name: 'my-trainings', component: () => import('./pages/MyTrainings.vue'), meta: { title: '我的培训', icon: 'Reading', roles: ['worker'], menu: true } },
  { path: '/checkin', name: 'checkin', component: () => import('./pages/CheckIn.vue'), meta: { title: '课堂签到', icon: 'Iphone', roles: ['worker'], menu: true } },
  { path: '/my-vouchers', name: 'my-vouchers', component: () => import('./pages/MyVouchers.vue'), meta: { title: '我的培训券', icon: 'Ticket', roles: ['worker'], menu: true } },
  { path: '/vouchers', name: 'vouchers', component: () => import('./pages/Vouchers.vue'), meta: { title: '培训券', icon: 'Ticket', roles: STAFF, menu: true } },
  { path: '/claims', name: 'claims', component: () => import('./pages/Claims.vue'), meta: { title: '补贴申请', icon: 'Money', roles: [...STAFF, 'trainer'], menu: true } },
  { path: '/my-claims', name: 'my-claims', component: () => import('./pages/Claims.vue'), meta: { title: '我的补贴', icon: 'Money', roles: ['worker'], menu: true } },
  { path: '/claims/:id(\\d+)', name: 'claim', component: () => import('./pages/ClaimDetail.vue'), meta: { title: '补贴申请', roles: [...STAFF, 'trainer', 'worker'] } },
  { path: '/funds', name: 'funds', component: () => import('./pages/Funds.vue'), meta: { title: '补贴资金', icon: 'Wallet', roles: STAFF, menu: true } },
  { path: '/training-stats', name: 'training-stats', component: () => import('./pages/TrainingStats.vue'), meta: { title: '培训统计', icon: 'TrendCharts', roles: STAFF, menu: true } },
  { path: '/accounts', name: 'accounts', component: () => import('./pages/Accounts.vue'), meta: { title: '账号管理', icon: 'Key', roles: ['admin'], menu: true } },
  { path: '/audit', name: 'audit', component: () => import('./pages/Audit.vue'), meta: { title: '审计日志', icon: 'Document', roles: ['admin'], topAdmin: true, menu: true } },
  { path: '/:rest(.*)*', name: 'notfound', component: () => import('./pages/NotFound.vue'), meta: { title: '页面不存在' } },
]

export function canOpen(route) {
  const m = route.meta || {}
  if (m.public) return true
  if (!session.user) return false
  if (m.topAdmin && !isTopAdmin()) return false
  return !m.roles || hasRole(...m.roles)
}

export function menuRoutes() {
  return routes.filter((r) => r.meta && r.meta.menu && canOpen(r))
}

const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach((to) => {
  if (!to.meta.public && !session.token) return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  if (to.name === 'login' && session.token) return { name: 'home' }
  if (!canOpen(to)) return { name: 'home', query: { denied: to.meta.title || '1' } }
})

router.afterEach((to) => {
  document.title = (to.meta.title ? to.meta.title + ' - ' : '') + '技能人才服务管理平台'
})

export default router
