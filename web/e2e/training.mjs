// training.mjs — the training pages (培训) in the browser, called from
// run.mjs with its browser and helpers so that everything counts in one
// "web[ENGINE]: N passed, M failed" line.
//
// A county clerk records a worker's groups and insurance date and corrects
// an entry of the lifelong record; the city creates a programme; a training
// provider creates a class with sessions, enrols the demo worker (one
// refusal shown with its reason), shows a check-in code; the worker checks
// in with it on a phone; the provider closes the class; the worker sees
// the training in their record and downloads it as PDF; the city issues
// vouchers by rule (a dry-run count first); a claim goes through county
// review, city approval and payment; a flagged claim's flag is cleared
// with a reason; the statistics show the targets with their actuals.
import { readFileSync } from 'node:fs'

export async function trainingScenarios(t) {
  const { BASE, PW, check, shot, fits, newPage, login, logout, text, fieldError, scenario } = t

  const tokens = {}
  async function api(user, method, path, body) {
    if (user && !tokens[user]) {
      const r = await fetch(BASE + '/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: user, password: PW[user] }) })
      tokens[user] = (await r.json()).token
    }
    const headers = { Accept: 'application/json' }
    if (user) headers.Authorization = 'Bearer ' + tokens[user]
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const r = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const type = r.headers.get('Content-Type') || ''
    return { status: r.status, json: type.includes('json') ? await r.json() : null }
  }
  async function option(page, label) {
    const o = page.locator('.el-select-dropdown__item:visible', { hasText: label }).first()
    await o.waitFor({ timeout: 10000 })
    await o.click()
  }
  async function confirmBox(page) { await page.locator('.el-message-box__btns .el-button--primary').click() }
  async function waitText(page, sel, re, timeout = 10000) {
    await page.waitForFunction(([s, src]) => new RegExp(src).test(document.querySelector(s)?.innerText || ''), [sel, re.source], { timeout }).catch(() => {})
    return (await page.locator(sel).first().innerText().catch(() => '')).trim()
  }
  // The routes the server has (the OpenAPI document): a scenario whose API
  // has not landed says so instead of failing on a missing page.
  const spec = (await api(null, 'GET', '/api/v1/openapi.json')).json || { paths: {} }
  function has(...paths) {
    const missing = paths.filter((p) => !spec.paths[p])
    if (missing.length) console.error(`  SKIP [training] no API yet: ${missing.join(', ')}`)
    return !missing.length
  }
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)

  // The demo worker (laodongzhe) and their full record, read by the city.
  const me = (await api('laodongzhe', 'GET', '/api/v1/session')).json || {}
  const workerId = (me.user || me).person_id
  const worker = (await api('yuxi', 'GET', `/api/v1/persons/${workerId}`)).json || {}
  check(!!worker.id_number, 'setup: the demo worker\'s record is readable by the city', JSON.stringify(worker).slice(0, 200))

  // ------------------------------------------------------------ the person page: groups, insurance, record
  await scenario('training-person', async () => {
    const page = await newPage()
    await login(page, 'yuxi')
    await page.goto(`${BASE}/persons/${workerId}`)
    await page.waitForSelector('[data-test=person-name]')
    await page.click('[data-test=edit-person]')
    await page.locator('.el-dialog [data-test=person-tags]').click()
    // the demo gives some workers groups already: select, never toggle off
    for (const g of ['脱贫户', '农村转移劳动力']) {
      const o = page.locator('.el-select-dropdown__item:visible', { hasText: g }).first()
      await o.waitFor({ timeout: 10000 })
      if (!((await o.getAttribute('class')) || '').includes('is-selected')) await o.click()
    }
    await page.keyboard.press('Escape')
    await page.fill('.el-dialog input[name=insured_from]', '2099-01-01')
    await page.keyboard.press('Enter')
    await page.click('[data-test=person-save]')
    await page.waitForSelector('.el-dialog .el-form-item__error')
    const err = await fieldError(page, '参保起始')
    check(/晚于今天/.test(err), 'an insurance start in the future is refused next to 参保起始', err)
    await page.fill('.el-dialog input[name=insured_from]', '2020-03-01')
    await page.keyboard.press('Enter')
    await page.click('[data-test=person-save]')
    await page.waitForSelector('.el-message--success')
    const tags = await waitText(page, '[data-test=person-tags]', /脱贫户/)
    check(tags.includes('脱贫户') && tags.includes('农村转移劳动力'), 'the groups show on the person page', tags)
    check((await waitText(page, '[data-test=person-insured]', /2020/)) === '2020-03-01', 'the insurance start date shows')
    await page.waitForSelector('[data-test=timeline]')
    const tl = await text(page, '[data-test=timeline]')
    check(tl.includes('人员类别') && tl.includes('参保起始日期'), 'the change of groups and insurance date is in the timeline', tl.slice(0, 300))
    // a correction of a record entry (the demo's certificates entered the record)
    const entries = await page.locator('[data-test^=correct-]').count()
    if (check(entries > 0, 'staff may correct the record\'s entries')) {
      const btn = page.locator('[data-test^=correct-]').first()
      const entryId = (await btn.getAttribute('data-test')).slice(8)
      await btn.click()
      await page.fill('.el-dialog textarea[name=correct_reason]', '')
      await page.click('[data-test=correct-save]')
      await page.waitForSelector('.el-dialog .el-form-item__error')
      check((await fieldError(page, '更正原因')).length > 0, 'a correction without a reason is refused next to 更正原因')
      await page.fill('.el-dialog input[name=correct_title]', '更正：发证机构名称有误')
      await page.fill('.el-dialog textarea[name=correct_reason]', '核对原始档案，发证机构名称录入有误')
      await page.click('[data-test=correct-save]')
      await page.waitForSelector(`[data-test=entry-${entryId}] [data-test=corrected-mark]`, { timeout: 10000 })
      const corr = await text(page, '[data-test=timeline]')
      check(corr.includes(`更正第${entryId}条`) && corr.includes('核对原始档案'), 'the correction points at the entry it corrects, with the reason', corr.slice(0, 300))
      check((await text(page, `[data-test=entry-${entryId}]`)).includes('已由第'), 'the corrected entry is kept and marked')
    }
    await shot(page, 'training-person-record')
    await fits(page, 'the person page with the record')
    await logout(page)
    await page.close()
  })

  // ------------------------------------------------------------ programmes (city)
  let programmeName = ''
  await scenario('training-programmes', async () => {
    if (!has('/api/v1/programmes')) return
    const page = await newPage()
    await login(page, 'yuxi')
    await page.click('[data-test=menu-programmes]')
    await page.waitForSelector('[data-test=programmes-table] .el-table__row')
    const rows = await text(page, '[data-test=programmes-table]')
    check(/00\d/.test(rows), 'the programmes show their seed reference', rows.slice(0, 200))
    await page.click('[data-test=add-programme]')
    await page.click('[data-test=prog-save]')
    await page.waitForSelector('.el-dialog .el-form-item__error')
    check((await fieldError(page, '名称')).length > 0, 'a programme without a name is refused next to 名称')
    programmeName = '红塔区电工技能提升专项' + String(Date.now()).slice(-4)
    await page.fill('.el-dialog input[name=prog_name]', programmeName)
    await page.locator('[data-test=prog-category]').click()
    await option(page, '岗位技能提升培训')
    await page.fill('.el-dialog input[name=min_attendance]', '90')
    await page.click('[data-test=add-target]')
    await page.fill('.el-dialog input[name=t_metric_0]', '培训人次')
    await page.fill('.el-dialog input[name=t_target_0]', '500')
    await page.click('[data-test=prog-save]')
    await page.waitForSelector('.el-message--success')
    await page.waitForSelector(`[data-test=programmes-table] .el-table__row:has-text("${programmeName}")`)
    const row = await text(page, `[data-test=programmes-table] .el-table__row:has-text("${programmeName}")`)
    check(row.includes('90%') && row.includes('500'), 'the new programme is listed with its attendance rule and target', row)
    await shot(page, 'training-programmes')
    await fits(page, 'programmes')
    await logout(page)
    await page.close()
  })

  // ------------------------------------------------------------ a class, its roster and the check-in code (provider)
  const pages = {}
  let classId = 0
  let code = ''
  await scenario('training-class', async () => {
    if (!has('/api/v1/classes', '/api/v1/classes/{id}/enrolments')) return
    const page = pages.t = await newPage()
    await login(page, 'peixun')
    await page.click('[data-test=menu-classes]')
    await page.waitForSelector('[data-test=classes-table]')
    const orgs = await page.locator('[data-test=classes-table] .el-table__row').count()
    check(!(await page.locator('[data-test=classes-table] th:has-text("培训机构")').count()), 'a provider\'s list has no provider column (only its own classes)')
    await page.click('[data-test=add-class]')
    await page.click('[data-test=class-save]')
    await page.waitForSelector('.el-dialog .el-form-item__error')
    check((await fieldError(page, '职业')).length > 0 && (await fieldError(page, '授课教师')).length > 0,
      'an empty class is refused, the reasons next to 职业 and 授课教师')
    await page.fill('.el-dialog input[name=class_name]', '电工（初级）技能提升培训班 E2E')
    await page.locator('[data-test=class-occupation] .el-select').click()
    await page.keyboard.type('电工')
    await option(page, '电工（6-31-01-03）')
    await page.locator('[data-test=class-level]').click()
    await option(page, '初级工')
    await page.locator('[data-test=class-category]').click()
    await option(page, '岗位技能提升培训')
    // 课时: at least the catalogue's minimum for 电工 初级工 (80), else the class is refused
    await page.fill('.el-dialog input[name=hours]', '80')
    await page.fill('.el-dialog input[name=start_date]', today)
    await page.keyboard.press('Enter')
    await page.fill('.el-dialog input[name=end_date]', today)
    await page.keyboard.press('Enter')
    await page.click('[data-test=fill-sessions]')
    check((await page.locator('[data-test^=session-]').count()) === 2, 'the sessions are generated from the dates (two a day)')
    await page.fill('.el-dialog input[name=teacher]', '李建华')
    await page.fill('.el-dialog input[name=class_place]', '玉溪市红塔区职业技能实训中心')
    const std = await text(page, '[data-test=class-standard]')
    await shot(page, 'training-class-form')
    await page.click('[data-test=class-save]')
    await page.waitForURL(/\/classes\/\d+$/, { timeout: 10000 })
    classId = Number(page.url().split('/').pop())
    check(classId > 0 && orgs >= 0, 'the class is created and opens', std)

    // enrolment: a wrong name is refused saying so, then the worker is enrolled
    await page.click('[data-test=enrol]')
    await page.fill('input[name=enrol_id_number]', worker.id_number)
    await page.fill('input[name=enrol_name]', '张冒名')
    await page.click('[data-test=enrol-save]')
    await page.waitForSelector('[data-test=enrol-refusal], .el-dialog .el-form-item__error')
    const why = (await page.locator('[data-test=enrol-refusal], .el-dialog .el-form-item__error').first().innerText()).trim()
    check(/姓名/.test(why), 'enrolling with a name that does not match the ID number is refused in Chinese', why)
    check((await page.inputValue('input[name=enrol_id_number]')) === worker.id_number, 'the ID number typed stays after the refusal')
    await shot(page, 'training-enrol-refused')
    await page.fill('input[name=enrol_name]', worker.name)
    await page.click('[data-test=enrol-save]')
    await page.waitForSelector(`[data-test=roster-table] .el-table__row:has-text("${worker.name}")`, { timeout: 10000 })
    check(true, 'the worker is on the roster')
    await page.locator('.el-dialog__headerbtn:visible').click()

    // the check-in code, big, with its countdown
    await page.click('[data-test=show-code]')
    await page.click('[data-test=new-code]')
    await page.waitForSelector('[data-test=checkin-code]')
    code = (await text(page, '[data-test=checkin-code]')).replace(/\s/g, '')
    check(/^\d{6}$/.test(code), 'a six-digit check-in code is shown', code)
    const left = await text(page, '[data-test=code-left]')
    check(/^\d\d:\d\d$/.test(left) && left !== '00:00', 'its expiry counts down', left)
    await shot(page, 'training-checkin-code')
    await page.locator('.el-dialog__headerbtn:visible').click()
  })

  // ------------------------------------------------------------ the worker checks in on a phone
  await scenario('training-worker-checkin', async () => {
    if (!code || !has('/api/v1/classes/{id}/checkin')) return
    const page = pages.w = await newPage({ width: 390, height: 844 })
    await login(page, 'laodongzhe')
    await page.goto(BASE + '/checkin')
    await page.fill('input[name=checkin_code]', code.slice(0, 5) + ((Number(code[5]) + 1) % 10))
    await page.click('[data-test=checkin-submit]')
    await page.waitForSelector('[data-test=checkin-error]')
    check((await text(page, '[data-test=checkin-error]')).length > 2, 'a wrong code is refused in Chinese', await text(page, '[data-test=checkin-error]'))
    await page.fill('input[name=checkin_code]', code)
    await page.click('[data-test=checkin-submit]')
    await page.waitForSelector('[data-test=checkin-ok]', { timeout: 10000 })
    check(true, 'the worker checks in with the code')
    await shot(page, 'training-worker-checkin')
    await fits(page, 'check-in on a phone')
    await page.goto(BASE + '/my-trainings')
    await page.waitForSelector(`[data-test=training-${classId}]`)
    const card = await text(page, `[data-test=training-${classId}]`)
    check(card.includes('电工') && /出勤\s*1/.test(card), 'my trainings shows the class with one attendance', card)
    await fits(page, 'my trainings on a phone')
    await shot(page, 'training-worker-mine')
  })

  // ------------------------------------------------------------ the provider marks attendance and closes
  await scenario('training-close', async () => {
    if (!classId) return
    const page = pages.t
    await page.reload()
    await page.waitForSelector('[data-test=roster-table] .el-table__row')
    // the code was for the session under way or the next one (by the time of
    // day); the trainer marks the worker present for the other one
    // (the roster shows before its attendance: wait for the worker's own check-in)
    await page.waitForFunction((id) => [1, 2].some((n) => document.querySelector(`[data-test=att-${id}-${n}]`)?.innerText.includes('✓')),
      workerId, { timeout: 10000 }).catch(() => {})
    let marked = 0
    for (const seq of [1, 2]) {
      const cell = page.locator(`[data-test=att-${workerId}-${seq}]`)
      if (!(await cell.locator('xpath=self::button').count())) continue
      await cell.click()
      marked++
      await page.waitForFunction(([id, n]) => document.querySelector(`[data-test=att-${id}-${n}]`)?.innerText.includes('✓'), [workerId, seq], { timeout: 10000 }).catch(() => {})
    }
    const marks = [await text(page, `[data-test=att-${workerId}-1]`), await text(page, `[data-test=att-${workerId}-2]`)]
    check(marked === 1 && marks.every((m) => m === '✓'), 'the trainer checks the worker in for the session the code did not cover', `${marked} ${marks}`)
    await page.click('[data-test=close-class]')
    await confirmBox(page)
    const st = await waitText(page, '[data-test=class-state]', /已结业/)
    check(st === '已结业', 'the class is closed', st)
    const enr = await waitText(page, `[data-test=roster-table] .enr-${workerId} [data-test=enr-state]`, /结业/)
    check(enr === '已结业', 'with full attendance the worker completed', enr)
    await shot(page, 'training-class-closed')
    await fits(page, 'the class page')
  })

  // ------------------------------------------------------------ the worker's record and its PDF
  await scenario('training-worker-record', async () => {
    const page = pages.w || await newPage({ width: 390, height: 844 })
    if (!pages.w) await login(page, 'laodongzhe')
    await page.goto(BASE + '/me')
    await page.waitForSelector('[data-test=timeline]')
    const tl = await text(page, '[data-test=timeline]')
    if (classId) check(tl.includes('电工'), 'the worker sees the training in their record', tl.slice(0, 300))
    check(!(await page.locator('[data-test^=correct-]').count()), 'a worker cannot correct their record')
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=record-pdf]')])
    const bytes = readFileSync(await pdf.path())
    check(bytes.subarray(0, 5).toString() === '%PDF-', 'the worker downloads the record as PDF', pdf.suggestedFilename())
    const [x] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=record-xlsx]')])
    check(readFileSync(await x.path()).subarray(0, 2).toString() === 'PK', 'and as XLSX', x.suggestedFilename())
    await fits(page, 'my record on a phone')
    await shot(page, 'training-worker-record')
    if (has('/api/v1/vouchers')) {
      await page.goto(BASE + '/my-vouchers')
      await page.waitForSelector('[data-test=my-vouchers], .el-empty')
      await fits(page, 'my vouchers on a phone')
      await shot(page, 'training-worker-vouchers')
    }
    await page.close()
  })

  // ------------------------------------------------------------ vouchers by rule (city)
  await scenario('training-vouchers', async () => {
    if (!has('/api/v1/vouchers', '/api/v1/vouchers/issues')) return
    const page = await newPage()
    await login(page, 'yuxi')
    await page.click('[data-test=menu-vouchers]')
    await page.waitForSelector('[data-test=vouchers-table] .el-table__row')
    await page.click('[data-test=issue-vouchers]')
    await page.locator('.el-dialog [data-test=rule-tags]').click()
    await option(page, '脱贫户')
    await page.keyboard.press('Escape')
    await page.locator('.el-dialog [data-test=v-occupations]').click()
    await page.keyboard.type('电工')
    await option(page, '电工（6-31-01-03）')
    await page.keyboard.press('Escape')
    await page.fill('.el-dialog input[name=expires_on]', '2027-12-31')
    await page.keyboard.press('Enter')
    // the date picker commits its value a moment after Enter; a dry run
    // shown before that is cleared by the change (the form's inputs moved)
    await page.waitForFunction(() => document.querySelector('.el-dialog input[name=expires_on]').value === '2027-12-31')
    await page.locator('.el-dialog .el-dialog__title').click()
    await page.waitForTimeout(200)
    await page.click('[data-test=dry-run-btn]')
    await page.waitForSelector('[data-test=dry-run]', { timeout: 10000 })
    const dry = await text(page, '[data-test=dry-run]')
    const m = /符合条件\s*(\d+)\s*人/.exec(dry)
    check(m && Number(m[1]) > 0, 'the dry run counts the people the rule selects', dry)
    await shot(page, 'training-vouchers-dry-run')
    await page.click('[data-test=issue-save]')
    await page.waitForSelector('.el-message--success')
    const msg = await text(page, '.el-message--success')
    check(m && msg.includes(m[1]), 'the vouchers are issued to that many people', msg)
    await page.locator('.el-tabs__item', { hasText: '统计' }).click()
    await page.waitForSelector('[data-test=voucher-stats] .el-table__row')
    check((await page.locator('[data-test=voucher-stats] .el-table__row').count()) > 0, 'voucher statistics by programme are shown')
    await shot(page, 'training-vouchers-stats')
    await fits(page, 'vouchers')
    await logout(page)
    await page.close()
  })

  // ------------------------------------------------------------ claims: review, approve, pay; a flag cleared
  await scenario('training-claims', async () => {
    if (!has('/api/v1/claims', '/api/v1/claims/{id}')) return
    const c = await newPage()
    await login(c, 'hongta')
    await c.click('[data-test=menu-claims]')
    await c.click('[data-test=todo-submitted]')
    await c.waitForFunction(() => [...document.querySelectorAll('[data-test=claims-table] [data-test=claim-state]')].length > 0 &&
      [...document.querySelectorAll('[data-test=claims-table] [data-test=claim-state]')].every((x) => x.innerText.trim() === '已提交'), null, { timeout: 10000 }).catch(() => {})
    // one without open flags goes the whole way
    const rows = c.locator('[data-test=claims-table] .el-table__row')
    let target = -1
    for (let i = 0; i < await rows.count(); i++) if (!(await rows.nth(i).locator('[data-test=flag-count]').count())) { target = i; break }
    if (!check(target >= 0, 'the county has a submitted claim without flags to review')) return
    await rows.nth(target).click()
    await c.waitForURL(/\/claims\/\d+$/)
    const claimId = Number(c.url().split('/').pop())
    await c.waitForSelector('[data-test=claim-review]')
    check(!(await c.locator('[data-test=claim-approve], [data-test=claim-pay]').count()), 'the county sees only its own step (review)')
    check((await c.locator('[data-test=evaluation] .el-table__row').count()) > 0, 'the rule evaluation is shown')
    await c.click('[data-test=claim-review]')
    await confirmBox(c)
    check((await waitText(c, '[data-test=claim-state]', /县级已审核/)) === '县级已审核', 'the county reviews the claim')
    await shot(c, 'training-claim-reviewed')

    const a = await newPage()
    await login(a, 'yuxi')
    await a.goto(`${BASE}/claims/${claimId}`)
    await a.waitForSelector('[data-test=claim-approve]')
    await a.click('[data-test=claim-approve]')
    await confirmBox(a)
    check((await waitText(a, '[data-test=claim-state]', /市级已审批/)) === '市级已审批', 'the city approves it')
    await a.waitForSelector('[data-test=claim-pay]')
    await a.click('[data-test=claim-pay]')
    await confirmBox(a)
    check((await waitText(a, '[data-test=claim-state]', /已拨付/)) === '已拨付', 'the city pays it')
    await shot(a, 'training-claim-paid')
    await fits(a, 'the claim page')

    // a flagged claim: the flag explained, cleared with a reason
    await a.goto(`${BASE}/claims?flagged=1`)
    await a.waitForSelector('[data-test=claims-table] [data-test=flag-count]', { timeout: 10000 })
    await a.locator('[data-test=claims-table] .el-table__row', { has: a.locator('[data-test=flag-count]') }).first().click()
    await a.waitForSelector('[data-test=flags]')
    const flagText = await text(a, '[data-test=flags]')
    check(/[\u4e00-\u9fa5]{4,}/.test(flagText), 'the flag is explained in Chinese', flagText.slice(0, 200))
    await a.locator('[data-test^=clear-]').first().click()
    await a.click('[data-test=reason-ok]')
    await a.waitForSelector('.el-dialog .el-form-item__error')
    check(true, 'clearing a flag without a reason is refused')
    await a.fill('.el-dialog textarea[name=reason]', '经电话核实，学员确在两地参训，时间不冲突')
    await a.click('[data-test=reason-ok]')
    const cleared = await waitText(a, '[data-test=clear-reason]', /电话核实/)
    check(cleared.includes('经电话核实'), 'the cleared flag shows who cleared it and why', cleared)
    await shot(a, 'training-claim-flag-cleared')

    // the ledger cites the payment
    await a.click('[data-test=menu-funds]')
    await a.waitForSelector('[data-test=funds-table] .el-table__row')
    await a.waitForSelector('[data-test=ledger-table] .el-table__row')
    check((await text(a, '[data-test=ledger-table]')).includes('补贴申请 ' + claimId), 'the ledger shows the payment citing its claim')
    await shot(a, 'training-funds')
    await fits(a, 'funds and ledger')
    await logout(a)
    await a.close()
    await logout(c)
    await c.close()
  })

  // ------------------------------------------------------------ statistics
  await scenario('training-stats', async () => {
    const page = await newPage()
    await login(page, 'yuxi')
    await page.click('[data-test=menu-training-stats]')
    await page.waitForSelector('[data-test=training-targets] .el-table__row')
    const actuals = await page.locator('[data-test=training-targets] [data-test=actual]').count()
    check(actuals > 0, 'the targets are shown with their actual figures', `(${actuals})`)
    check((await page.locator('[data-test=chart-share] canvas').count()) === 1, 'the three-year training share chart is drawn')
    await shot(page, 'training-stats')
    await fits(page, 'training statistics')
    await logout(page)
    await page.close()
  })

  for (const p of Object.values(pages)) await p.close().catch(() => {})
}
