// run.mjs — the web interface in Debian's Chromium (playwright-core, no
// browser download): for each role, log in, do the main job, and see the
// result on the page.  A screenshot of every page visited goes to $SHOTS.
//
//   BASE=http://127.0.0.1:PORT PASSWORDS='{"admin":"…",…}' SHOTS=dir ENGINE=sqlite node e2e/run.mjs
//
// Prints "web[ENGINE]: N passed, M failed" last; exit status 1 on failures.
import { chromium } from 'playwright-core'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { certScenarios } from './cert.mjs'
import { trainingScenarios } from './training.mjs'

const BASE = process.env.BASE
const PW = JSON.parse(process.env.PASSWORDS || '{}')
const SHOTS = process.env.SHOTS || 'build/screenshots'
const ENGINE = process.env.ENGINE || 'sqlite'
mkdirSync(SHOTS, { recursive: true })

let passed = 0
let failed = 0
let where = ''
function check(cond, what, detail = '') {
  if (cond) passed++
  else {
    failed++
    console.error(`FAIL [${where}] ${what} ${detail}`)
  }
  return cond
}

// ---- valid ID numbers (GB 11643) for the forms and the import file
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
function idNumber(county, birth, seq) {
  const body = county + birth + String(seq).padStart(3, '0')
  const sum = [...body].reduce((s, c, i) => s + Number(c) * W[i], 0)
  return body + '10X98765432'[sum % 11]
}

// ---- a small valid PNG (for the photo upload)
import { deflateSync, crc32 } from 'node:zlib'
function png(w, h) {
  const chunk = (t, d) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(d.length)
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(t), d])) >>> 0)
    return Buffer.concat([len, Buffer.from(t), d, crc])
  }
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr.set([8, 2, 0, 0, 0], 8)
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, 0x7a)])
  const raw = Buffer.concat(Array.from({ length: h }, () => row))
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] })

async function newPage(viewport = { width: 1366, height: 768 }) {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', acceptDownloads: true })
  const page = await ctx.newPage()
  page.on('pageerror', (e) => check(false, 'no script error on the page', e.message))
  page.on('console', (m) => { if (m.type() === 'error' && !/status of (4\d\d)/.test(m.text())) console.error(`  console [${where}]: ${m.text()}`) })
  return page
}
let shotNo = 0
async function shot(page, name) {
  await page.waitForTimeout(150)
  await page.screenshot({ path: join(SHOTS, `${ENGINE}-${String(++shotNo).padStart(2, '0')}-${name}.png`), fullPage: true })
}
// No horizontal scrolling: the page fits the screen it is shown on.
async function fits(page, what) {
  const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth])
  check(sw <= cw + 1, `${what} fits ${cw}px without sideways scrolling`, `(${sw}px wide)`)
}
async function login(page, user) {
  await page.goto(BASE + '/login')
  await page.fill('input[name=username]', user)
  await page.fill('input[name=password]', PW[user])
  await page.click('[data-test=login-submit]')
  await page.waitForSelector('[data-test=home-title], [data-test=who]', { timeout: 10000 })
}
async function logout(page) {
  await page.click('[data-test=logout]')
  await page.waitForURL('**/login')
}
async function text(page, sel) { return (await page.locator(sel).first().innerText()).trim() }
// The el-form-item error under the field whose label is `label`.
async function fieldError(page, label) {
  const item = page.locator('.el-form-item').filter({ has: page.locator(`label:text-is("${label}")`) }).first()
  const err = item.locator('.el-form-item__error')
  return (await err.count()) ? (await err.innerText()).trim() : ''
}
async function pickCascader(page, scope, labels) {
  await scope.locator('.el-cascader').first().click()
  for (const l of labels) await page.locator('.el-cascader-node', { hasText: l }).last().click()
  await page.keyboard.press('Escape')
}

async function scenario(name, fn) {
  where = name
  try { await fn() } catch (e) { check(false, 'scenario ran to the end', e.stack.split('\n').slice(0, 3).join(' | ')) }
}

// ---------------------------------------------------------------- anonymous
await scenario('anonymous', async () => {
  const page = await newPage()
  await page.goto(BASE + '/persons')
  await page.waitForURL('**/login**')
  check(page.url().includes('/login'), 'a page behind login sends to the login page')
  await page.fill('input[name=username]', 'admin')
  await page.fill('input[name=password]', 'not-the-password')
  await page.click('[data-test=login-submit]')
  await page.waitForSelector('[data-test=login-error], .el-form-item__error')
  const msg = await page.locator('[data-test=login-error], .el-form-item__error').first().innerText()
  check(/密码|账号/.test(msg), 'a wrong password is refused in Chinese', msg)
  check((await page.inputValue('input[name=username]')) === 'admin', 'the username typed stays')
  await shot(page, 'login-refused')
  await page.goto(BASE + '/no/such/page')
  await page.waitForURL('**/login**')
  await page.close()
})

// ---------------------------------------------------------------- admin (no region)
await scenario('admin', async () => {
  const page = await newPage()
  await login(page, 'admin')
  check((await text(page, '[data-test=home-title]')).includes('您好'), 'the home page greets the admin')
  await page.waitForSelector('.kpi .value')
  await shot(page, 'admin-home')
  await fits(page, 'admin home')

  await page.click('[data-test=menu-dashboard]')
  await page.waitForSelector('[data-test=kpis]')
  await page.waitForSelector('[data-test=targets-table] .el-table__row')
  const rows = await page.locator('[data-test=targets-table] .el-table__row').count()
  check(rows >= 70, 'the dashboard lists every plan target', `(${rows} rows)`)
  check((await page.locator('[data-test=chart-level] canvas').count()) === 1, 'the level chart is drawn')
  check((await text(page, '[data-test=kpi-high-share]')).includes('35%'), 'the high-skilled share is shown against 35%')
  await shot(page, 'admin-dashboard')
  await fits(page, 'dashboard')
  // drill down: a KPI opens the records behind it
  await page.locator('.kpi', { hasText: '高技能人才（高级工及以上）' }).click()
  await page.waitForURL('**/persons?**level_min=4**')
  await page.waitForSelector('[data-test=persons-table] .el-table__row')
  const levels = await page.locator('[data-test=persons-table] .el-table__row td:nth-child(7)').allInnerTexts()
  check(levels.length > 0 && levels.every((l) => ['高级工', '技师', '高级技师', '特级技师', '首席技师'].includes(l.trim())), 'the drill-down lists only 高级工 and above', levels.slice(0, 5).join(','))
  await shot(page, 'admin-drilldown')

  // accounts: a refused form keeps what was typed and says why per field
  await page.click('[data-test=menu-accounts]')
  await page.waitForSelector('[data-test=accounts-table] .el-table__row')
  await page.click('[data-test=add-account]')
  await page.fill('input[name=new-username]', 'e2e_clerk')
  await page.fill('input[name=new-password]', 'short')
  await page.click('[data-test=account-save]')
  await page.waitForSelector('.el-dialog .el-form-item__error')
  const pwErr = await fieldError(page, '初始密码')
  check(pwErr.length > 0, 'a weak password is refused next to the password field', pwErr)
  check((await page.inputValue('input[name=new-username]')) === 'e2e_clerk', 'the username typed stays after the refusal')
  await shot(page, 'admin-account-refused')
  await page.fill('input[name=new-password]', 'Clerk-pass-2026')
  await pickCascader(page, page.locator('.el-dialog'), ['玉溪市', '江川区'])
  await page.click('[data-test=account-save]')
  await page.waitForSelector('.el-message--success')
  await page.waitForSelector('[data-test=accounts-table] .el-table__row:has-text("e2e_clerk")')
  check(true, 'the new account is listed')
  await page.click('[data-test=toggle-e2e_clerk]')
  await page.click('.el-message-box__btns .el-button--primary')
  await page.waitForSelector('[data-test=accounts-table] .el-table__row:has-text("e2e_clerk"):has-text("已停用")')
  check(true, 'the account shows as disabled')
  await shot(page, 'admin-accounts')

  // audit log: the reads of full records are there
  await page.click('[data-test=menu-audit]')
  await page.waitForSelector('[data-test=audit-table] .el-table__row')
  const acts = await page.locator('[data-test=audit-table] .el-table__row td:nth-child(4)').allInnerTexts()
  check(acts.some((a) => a.includes('新建账号') || a.includes('修改账号')), 'the audit log shows the account changes', acts.slice(0, 6).join(','))
  await shot(page, 'admin-audit')
  await fits(page, 'audit log')
  await logout(page)
  await page.close()
})

// ---------------------------------------------------------------- county clerk
await scenario('county', async () => {
  const page = await newPage()
  await login(page, 'hongta')
  await page.click('[data-test=menu-persons]')
  await page.waitForSelector('[data-test=persons-table] .el-table__row')
  const regions = await page.locator('[data-test=persons-table] .el-table__row td:nth-child(5)').allInnerTexts()
  check(regions.length > 0 && regions.every((r) => r.includes('红塔区')), 'a county clerk sees only their county', regions.slice(0, 3).join(','))
  const ids = await page.locator('[data-test=persons-table] .el-table__row td:nth-child(2)').allInnerTexts()
  check(ids.every((x) => x.includes('*')), 'ID numbers are masked in the list')
  await shot(page, 'county-search')
  await fits(page, 'worker search')

  // register: a bad ID number is refused next to its field, the rest stays
  await page.click('[data-test=add-person]')
  await page.fill('.el-dialog input[name=name]', '测试人')
  await page.fill('.el-dialog input[name=id_number]', '530402199001011230')
  await pickCascader(page, page.locator('.el-dialog'), ['玉溪市', '红塔区'])
  await page.click('[data-test=person-save]')
  await page.waitForSelector('.el-dialog .el-form-item__error')
  const idErr = await fieldError(page, '身份证号')
  check(/校验|身份证/.test(idErr), 'a wrong check digit is refused next to 身份证号', idErr)
  check((await page.inputValue('.el-dialog input[name=name]')) === '测试人', 'the name typed stays after the refusal')
  await shot(page, 'county-register-refused')
  const good = idNumber('530402', '19900101', 777)
  await page.fill('.el-dialog input[name=id_number]', good)
  await page.fill('.el-dialog input[name=phone]', '13987654321')
  await page.click('[data-test=person-save]')
  await page.waitForURL('**/persons/*')
  await page.waitForSelector('[data-test=person-name]')
  check((await text(page, '[data-test=person-name]')) === '测试人', 'the new person\'s record opens')
  check((await page.content()).includes(good), 'the full record shows the full ID number')
  await page.waitForSelector('[data-test=timeline]')
  check((await text(page, '[data-test=timeline]')).includes('登记入库'), 'the timeline starts with the registration')
  await shot(page, 'county-person')

  // import: two bad rows reject the file with row-by-row errors
  const dir = join(tmpdir(), 'jineng-e2e-' + process.pid)
  mkdirSync(dir, { recursive: true })
  const lines = ['姓名,身份证号,性别,手机号,所属地区,职业,技能等级,工作单位,文化程度']
  for (let i = 0; i < 40; i++) lines.push(`导入${i},${idNumber('530402', '19850315', 100 + i)},,,530402,6-18-02-04,中级工,红塔区测试厂,高中`)
  lines[5] = '坏行一,530402198503151111,,,530402,,,,'
  lines[9] = '坏行二,' + idNumber('530402', '19850315', 500) + ',,,999999,,,,'
  const csv = join(dir, 'import.csv')
  writeFileSync(csv, '\ufeff' + lines.join('\r\n') + '\r\n')
  await page.click('[data-test=menu-imports]')
  await page.setInputFiles('[data-test=upload] input[type=file]', csv)
  await page.click('[data-test=start-import]')
  await page.waitForSelector('[data-test=import-result]', { timeout: 30000 })
  check((await text(page, '[data-test=import-result]')).includes('导入被拒绝'), 'the file is rejected as a whole')
  const errRows = await page.locator('[data-test=import-errors] .el-table__row td:first-child').allInnerTexts()
  check(errRows.includes('6') && errRows.includes('10'), 'the errors name rows 6 and 10 as Excel shows them', errRows.join(','))
  check(await page.locator('[data-test=import-progress] .el-progress').count() === 1, 'a progress bar was shown')
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=download-rejects]')])
  check(/\.csv$/.test(dl.suggestedFilename()), 'the rejected rows download as CSV', dl.suggestedFilename())
  await shot(page, 'county-import-rejected')
  await page.click('[data-test=partial]')
  await page.click('[data-test=start-import]')
  await page.waitForFunction(() => /导入完成/.test(document.querySelector('[data-test=import-result]')?.innerText || ''), null, { timeout: 30000 })
  check((await text(page, '[data-test=import-result]')).includes('新增 38'), 'partial import writes the 38 good rows')
  await shot(page, 'county-import-partial')

  // the county's own dashboard, drilling down from its figure
  await page.click('[data-test=menu-dashboard]')
  await page.waitForSelector('[data-test=kpis]')
  check((await page.content()).includes('红塔区'), 'the clerk\'s dashboard is the county\'s')
  await page.locator('.kpi', { hasText: '技能人才（初级工及以上）' }).click()
  await page.waitForURL('**/persons?**level_min=2**')
  await page.waitForSelector('[data-test=persons-table] .el-table__row')
  const rs = await page.locator('[data-test=persons-table] .el-table__row td:nth-child(5)').allInnerTexts()
  check(rs.every((r) => r.includes('红塔区')), 'the drill-down stays in the county')
  await shot(page, 'county-dashboard-drilldown')
  await logout(page)
  await page.close()
})

// ---------------------------------------------------------------- city admin
await scenario('city', async () => {
  const page = await newPage()
  await login(page, 'yuxi')
  await page.click('[data-test=menu-dashboard]')
  await page.waitForSelector('[data-test=kpis]')
  const regionBars = await page.locator('[data-test=chart-region] canvas').count()
  check(regionBars === 1, 'the county chart is drawn for the city')
  check((await page.content()).includes('玉溪'), 'the city admin\'s dashboard is Yuxi\'s')
  check(!(await page.locator('[data-test=menu-audit]').count()), 'a city admin has no audit log menu')
  await shot(page, 'city-dashboard')
  await logout(page)
  await page.close()
})

// ---------------------------------------------------------------- organisations
for (const user of ['pingjia', 'peixun', 'qiye']) {
  await scenario(user, async () => {
    const page = await newPage()
    await login(page, user)
    await page.waitForSelector('[data-test=org-name]')
    check((await text(page, '[data-test=org-name]')).length > 2, 'the organisation\'s home shows its registration')
    check(!(await page.locator('[data-test=menu-persons]').count()), 'an organisation account has no worker search')
    await shot(page, user + '-home')
    await logout(page)
    await page.close()
  })
}

// ---------------------------------------------------------------- worker, on a phone
await scenario('worker', async () => {
  const page = await newPage({ width: 390, height: 844 })
  await login(page, 'laodongzhe')
  await shot(page, 'worker-home')
  await fits(page, 'worker home on a phone')
  await page.goto(BASE + '/me')
  await page.waitForSelector('[data-test=person-name]')
  await fits(page, 'my record on a phone')
  await page.click('[data-test=edit-person]')
  await page.fill('.el-dialog input[name=phone]', '12345')
  await page.click('[data-test=person-save]')
  await page.waitForSelector('.el-dialog .el-form-item__error')
  check((await fieldError(page, '手机号')).length > 0, 'a bad phone number is refused next to the field')
  await shot(page, 'worker-phone-refused')
  await page.fill('.el-dialog input[name=phone]', '13700001111')
  await page.click('[data-test=person-save]')
  await page.waitForSelector('.el-message--success')
  await page.waitForFunction(() => (document.querySelector('[data-test=person-phone]')?.innerText || '').includes('13700001111'))
  check(true, 'the worker sees the new phone number')
  // the photo printed on certificates: a GIF is refused, a PNG shown
  await page.setInputFiles('[data-test=photo-input]', { name: 'a.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a not a photo') })
  await page.waitForSelector('.el-message--error')
  check((await text(page, '.el-message--error')).includes('JPEG 或 PNG'), 'a GIF photo is refused, saying why')
  await page.setInputFiles('[data-test=photo-input]', { name: 'me.png', mimeType: 'image/png', buffer: png(105, 147) })
  await page.waitForSelector('[data-test=photo-img]')
  const natural = await page.locator('[data-test=photo-img]').evaluate((img) => img.complete ? img.naturalWidth : 0)
  check(natural === 105, 'the worker uploads a photo and sees it', String(natural))
  await fits(page, 'my record with the photo on a phone')
  await shot(page, 'worker-record')
  await page.goto(BASE + '/persons')
  await page.waitForURL('**/?denied=**')
  check(true, 'a worker cannot open the worker search')
  await page.close()
})

// ---------------------------------------------------------------- certification (cert.mjs)
await certScenarios({ BASE, PW, check, shot, fits, newPage, login, logout, text, fieldError, scenario, idNumber, browser })

// ---------------------------------------------------------------- training (training.mjs)
await trainingScenarios({ BASE, PW, check, shot, fits, newPage, login, logout, text, fieldError, scenario, idNumber, browser })

await browser.close()
console.log(`web[${ENGINE}]: ${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
