// cert.mjs — the certification pages (职业技能等级认定) in the browser, called
// from run.mjs with its browser and helpers so that everything counts in
// one "web[ENGINE]: N passed, M failed" line.
//
// One batch goes the whole way, each step by the role that takes it, each
// user in their own browser context: the evaluation body plans it, enrols
// (one candidate refused with the unmet condition named), scores and
// submits; the county returns it with a reason and, resubmitted, passes it;
// the city starts the notice, records and answers an objection, approves
// and issues.  Then the certificates in the list, on the person's record
// and as a PDF; an administrator revokes one; the public verification page
// on a phone for valid, revoked, pending and unknown numbers, and opened
// from a certificate's QR code with its signed credential — intact, one
// character changed, revoked since, and checked by the pure-JS fallback
// when the browser has no Ed25519.  Last, the rate limit as the public
// sees it.
import { readFileSync } from 'node:fs'

export async function certScenarios(t) {
  const { BASE, PW, check, shot, fits, newPage, login, logout, text, fieldError, scenario, idNumber, browser } = t

  // ---- the API directly, for setup and for what a test must know (ids, numbers)
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
    return { status: r.status, json: type.includes('json') ? await r.json() : null, text: type.includes('json') ? '' : await r.text() }
  }
  // an option of an Element Plus select (the dropdowns live at the end of body)
  async function option(page, label) {
    const o = page.locator('.el-select-dropdown__item:visible', { hasText: label }).first()
    await o.waitFor({ timeout: 10000 })
    await o.click()
  }
  async function confirmBox(page) {
    await page.locator('.el-message-box__btns .el-button--primary').click()
  }
  async function stateIs(page, name) {
    await page.waitForFunction((n) => (document.querySelector('[data-test=batch-state]')?.innerText || '').trim() === n, name, { timeout: 10000 })
      .catch(() => {})
    const s = (await page.locator('[data-test=batch-state]').first().innerText()).trim()
    return check(s === name, `the batch shows as ${name}`, `(shows ${s})`)
  }
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)

  // People for the batch, registered in 红塔区 (the county that reviews):
  // three candidates and one more examiner for the body registered below.
  const people = {}
  for (const [key, name, seq] of [['a', '认定甲', 801], ['b', '认定乙', 802], ['c', '认定丙', 803], ['d', '曲靖考评', 804]]) {
    const id = idNumber(key === 'd' ? '530302' : '530402', '19920606', seq)
    const r = await api('admin', 'POST', '/api/v1/persons', { name, id_number: id, region: key === 'd' ? '530302' : '530402', employer: '红塔区五金制品厂' })
    check(r.status === 201, 'setup: person ' + name + ' registered', JSON.stringify(r.json))
    people[key] = { ...(r.json || {}), name, id_number: id }
  }
  let batchId = 0
  const nums = {}

  // ------------------------------------------------------------ evaluation bodies (admin)
  await scenario('cert-evaluators', async () => {
    const page = await newPage()
    await login(page, 'admin')
    await page.click('[data-test=menu-evaluators]')
    await page.waitForSelector('[data-test=evaluators-table] .el-table__row')
    const names = await page.locator('[data-test=evaluators-table] .el-table__row td:first-child').allInnerTexts()
    check(names.some((n) => n.includes('玉溪市职业技能鉴定评价中心')), 'the registered evaluation bodies are listed', names.join(','))
    // register 曲靖's body: a bad body code is refused next to its field, then fixed
    await page.click('[data-test=add-evaluator]')
    await page.locator('[data-test=ev-org]').click()
    await option(page, '曲靖市技能人才评价服务中心')
    await page.fill('.el-dialog input[name=body_code]', '12')
    await page.fill('.el-dialog input[name=site_serial]', '000003')
    await page.locator('[data-test=ev-pair-0] .el-select').first().click()
    await page.keyboard.type('焊工')
    await option(page, '焊工（6-18-02-04）')
    await page.locator('[data-test=ev-pair-0] .el-select').nth(1).click()
    await option(page, '初级工')
    await option(page, '中级工')
    await page.keyboard.press('Escape')
    await page.click('[data-test=ev-save]')
    await page.waitForSelector('.el-dialog .el-form-item__error')
    const codeErr = await fieldError(page, '机构代码')
    check(/4位数字/.test(codeErr), 'a bad body code is refused next to 机构代码', codeErr)
    await shot(page, 'cert-evaluator-refused')
    await page.fill('.el-dialog input[name=body_code]', '0300')
    await page.click('[data-test=ev-save]')
    await page.waitForURL(/\/evaluators\/\d+$/)
    await page.waitForSelector('[data-test=evaluator-name]')
    check((await text(page, '[data-test=evaluator-name]')).includes('曲靖市技能人才评价服务中心'), 'the registered body opens')
    check((await text(page, '[data-test=evaluator-type]')).startsWith('S 类'), 'its type is shown (S)')
    const pairs = await text(page, '[data-test=pairs-table]')
    check(pairs.includes('焊工') && pairs.includes('初级工') && pairs.includes('中级工'), 'its occupation × level pairs are shown', pairs)
    // an examiner, by ID number
    await page.click('[data-test=add-staff]')
    await page.fill('input[name=staff_id_number]', people.d.id_number)
    await page.click('[data-test=staff-save]')
    await page.waitForSelector(`[data-test=examiners-table] .el-table__row:has-text("${people.d.name}")`)
    check(true, 'the new examiner is listed')
    await shot(page, 'cert-evaluator-detail')
    await logout(page)
    await page.close()
  })

  // ------------------------------------------------------------ the batch, step by step
  const pages = {}
  await scenario('cert-plan', async () => {
    const page = pages.e = await newPage()
    await login(page, 'pingjia')
    await page.click('[data-test=menu-evaluators]')
    await page.waitForSelector('[data-test=evaluators-table] .el-table__row')
    await page.locator('[data-test=evaluators-table] .el-table__row').first().click()
    await page.waitForSelector('[data-test=examiners-table] .el-table__row')
    const ex = await text(page, '[data-test=examiners-table]')
    const sup = await text(page, '[data-test=supervisors-table]')
    check(ex.includes('赵建国') && sup.includes('孙丽华'), 'the body sees its examiners and supervisor')
    check(!(await page.locator('[data-test=edit-evaluator]').count()), 'only an administrator may change the registration')

    await page.click('[data-test=menu-batches]')
    await page.waitForSelector('[data-test=batches-table] .el-table__row')
    const bodies = await page.locator('[data-test=batches-table] .el-table__row td:nth-child(5)').allInnerTexts()
    check(bodies.length > 0 && bodies.every((b) => b.includes('玉溪市职业技能鉴定评价中心')), 'an evaluation body lists only its own batches', bodies.join(','))
    await page.click('[data-test=add-batch]')
    await page.waitForSelector('[data-test=batch-save]')
    await page.click('[data-test=batch-save]')
    await page.waitForSelector('.el-dialog .el-form-item__error')
    check((await fieldError(page, '职业')).length > 0, 'an empty plan is refused next to 职业', await fieldError(page, '职业'))
    check((await fieldError(page, '考评员')).length > 0, 'and next to 考评员', await fieldError(page, '考评员'))
    await page.locator('[data-test=batch-occupation] .el-select').click()
    await page.keyboard.type('焊工')
    await option(page, '焊工（6-18-02-04）')
    await page.locator('[data-test=batch-level]').click()
    await option(page, '五级（初级工）')
    await page.fill('input[name=exam_from]', today)
    await page.keyboard.press('Enter')
    await page.fill('.el-dialog input[name=place]', '红塔区焊接实训基地')
    await page.locator('[data-test=batch-examiners]').click()
    await option(page, '赵建国')
    await option(page, '钱志明')
    await page.keyboard.press('Escape')
    await page.locator('[data-test=batch-supervisor]').click()
    await option(page, '孙丽华')
    await page.fill('.el-dialog input[name=notice_days]', '0')
    await page.locator('.el-dialog input[name=place]').click()
    await shot(page, 'cert-batch-plan')
    await page.click('[data-test=batch-save]')
    await page.waitForURL(/\/batches\/\d+$/, { timeout: 10000 })
    batchId = Number(page.url().split('/').pop())
    await stateIs(page, '计划中')

    // enrol: two who meet the conditions, one who does not
    await page.click('[data-test=enrol]')
    for (const [key, years] of [['a', 3], ['b', 0], ['c', 2]]) {
      await page.fill('input[name=cand_id_number]', people[key].id_number)
      await page.fill('input[name=years_in_occupation]', String(years))
      await page.click('[data-test=enrol-save]')
      if (key === 'b') {
        await page.waitForSelector('[data-test=enrol-refusal]')
        const why = await text(page, '[data-test=enrol-refusal]')
        check(why.includes('申报五级（初级工）') && why.includes('累计从事本职业工作满1年') && why.includes('学徒期满'),
          'a candidate short of the conditions is refused, each unmet condition named', why)
        check((await page.inputValue('input[name=cand_id_number]')) === people.b.id_number, 'the ID number typed stays after the refusal')
        await shot(page, 'cert-enrol-refused')
      } else {
        await page.waitForSelector(`[data-test=candidates-table] .el-table__row:has-text("${people[key].name}")`)
      }
    }
    await page.locator('.el-dialog__headerbtn:visible').click()
    const cands = await text(page, '[data-test=candidates-table]')
    check(cands.includes(people.a.name) && cands.includes(people.c.name) && !cands.includes(people.b.name), 'the two enrolled candidates are listed, the refused one is not')
    check(/\*{4,}/.test(cands), 'candidates\' ID numbers are masked')

    // submitting before the scores: refused, saying who has none
    await page.click('[data-test=submit-batch]')
    await confirmBox(page)
    await page.waitForSelector('[data-test=action-error]')
    const err = await text(page, '[data-test=action-error]')
    check(err.includes('还没有成绩') && err.includes(people.a.name), 'submit without scores is refused naming the candidate', err)
    // scores
    for (const [key, th, pr] of [['a', 82, 88], ['c', 75, 91]]) {
      const row = page.locator('[data-test=candidates-table] .el-table__row', { hasText: people[key].name })
      await row.locator('input[name=theory]').fill(String(th))
      await row.locator('input[name=practical]').fill(String(pr))
    }
    await page.click('[data-test=save-scores]')
    await page.waitForFunction(() => document.querySelectorAll('[data-test=candidates-table] [data-test=passed]').length === 2, null, { timeout: 10000 }).catch(() => {})
    const passed = await page.locator('[data-test=candidates-table] [data-test=passed]').allInnerTexts()
    check(passed.length === 2 && passed.every((p) => p.trim() === '合格'), 'both candidates show as 合格 after the scores', passed.join(','))
    await page.click('[data-test=submit-batch]')
    await confirmBox(page)
    await stateIs(page, '已提交')
    check(!(await page.locator('[data-test=enrol]').count()), 'a submitted batch can no longer be changed by the body')
    await shot(page, 'cert-batch-submitted')
  })

  await scenario('cert-review', async () => {
    const page = pages.c = await newPage()
    await login(page, 'hongta')
    await page.click('[data-test=menu-batches]')
    await page.click('[data-test=todo-submitted]')
    // the filtered list has arrived: our batch is in it and nothing else is in another state
    // (waiting for our batch alone could read the unfiltered list the page showed first)
    await page.waitForFunction((id) => [...document.querySelectorAll('[data-test=batches-table] .el-table__row td:first-child')].some((td) => td.innerText.trim() === String(id)) &&
      [...document.querySelectorAll('[data-test=batches-table] [data-test=batch-state]')].every((x) => x.innerText.trim() === '已提交'), batchId, { timeout: 10000 }).catch(() => {})
    const states = await page.locator('[data-test=batches-table] [data-test=batch-state]').allInnerTexts()
    check(states.length > 0 && states.every((x) => x.trim() === '已提交'), 'the county\'s to-do lists the submitted batches', states.join(','))
    await page.goto(`${BASE}/batches/${batchId}`)
    await page.waitForSelector('[data-test=review-pass]')
    check(!(await page.locator('[data-test=start-notice], [data-test=approve], [data-test=enrol]').count()), 'the county sees only its own step (review)')
    // return: a reason is required
    await page.click('[data-test=review-return]')
    await page.click('[data-test=reason-ok]')
    await page.waitForSelector('.el-dialog .el-form-item__error')
    check((await fieldError(page, '退回原因')).length > 0, 'returning without a reason is refused next to the field')
    await page.fill('.el-dialog textarea[name=reason]', '成绩单缺少考评员签字，请补充后重新提交')
    await page.click('[data-test=reason-ok]')
    await stateIs(page, '已退回')
    check((await text(page, '[data-test=return-reason]')).includes('成绩单缺少考评员签字'), 'the returned batch shows the reason')
    await shot(page, 'cert-batch-returned')

    // the body sees why and submits again
    const e = pages.e
    await e.reload()
    await e.waitForSelector('[data-test=return-reason]')
    check((await text(e, '[data-test=return-reason]')).includes('成绩单缺少考评员签字'), 'the body sees the reason it was returned')
    await e.click('[data-test=submit-batch]')
    await confirmBox(e)
    await stateIs(e, '已提交')

    await page.reload()
    await page.click('[data-test=review-pass]')
    await page.fill('.el-dialog textarea[name=reason]', '材料齐全')
    await page.click('[data-test=reason-ok]')
    await stateIs(page, '县级已审核')
    check(!(await page.locator('[data-test=review-pass]').count()), 'once reviewed the county has nothing more to press')
  })

  await scenario('cert-city', async () => {
    const page = pages.a = await newPage()
    await login(page, 'yuxi')
    await page.goto(`${BASE}/batches/${batchId}`)
    await page.waitForSelector('[data-test=start-notice]')
    check(!(await page.locator('[data-test=review-pass], [data-test=enrol], [data-test=issue]').count()), 'the city sees the notice step, not the others')
    await page.click('[data-test=start-notice]')
    await confirmBox(page)
    await stateIs(page, '公示中')
    // an objection, then approval is refused until it is answered
    await page.click('[data-test=add-objection]')
    await page.locator('[data-test=objection-candidate]').click()
    await option(page, people.a.name)
    await page.fill('textarea[name=objection_content]', '反映认定甲的工作年限与单位记录不符')
    await page.fill('input[name=objection_contact]', '0877-2030405')
    await page.click('[data-test=objection-save]')
    await page.waitForSelector('[data-test^=objection-]:has-text("未答复")')
    await page.click('[data-test=approve]')
    await confirmBox(page)
    await page.waitForSelector('[data-test=action-error]')
    const err = await text(page, '[data-test=action-error]')
    check(err.includes('异议') && err.includes('未答复'), 'approval is refused while an objection is unanswered', err)
    await shot(page, 'cert-batch-objection')
    await page.locator('[data-test^=answer-]').first().click()
    await page.fill('.el-dialog textarea[name=reason]', '经核实，工作年限证明属实')
    await page.click('[data-test=reason-ok]')
    await page.waitForSelector('[data-test^=objection-]:has-text("已答复")')
    await page.click('[data-test=approve]')
    await confirmBox(page)
    await stateIs(page, '已审批')
    await page.waitForSelector('[data-test=batch-certs-table] .el-table__row')
    let st = await page.locator('[data-test=batch-certs-table] .el-table__row td:nth-child(6)').allInnerTexts()
    check(st.length === 2 && st.every((s) => s.includes('待发证')), 'approved: two certificates numbered, pending', st.join(','))
    await page.click('[data-test=issue]')
    await confirmBox(page)
    await stateIs(page, '已发证')
    await page.waitForFunction(() => [...document.querySelectorAll('[data-test=batch-certs-table] .el-table__row td:nth-child(6)')].every((td) => td.innerText.includes('有效')))
    st = await page.locator('[data-test=batch-certs-table] .el-table__row td:nth-child(6)').allInnerTexts()
    check(st.length === 2 && st.every((s) => s.includes('有效')), 'issued: the certificates are valid', st.join(','))
    const rows = await page.locator('[data-test=batch-certs-table] .el-table__row').all()
    for (const r of rows) {
      const cells = await r.locator('td').allInnerTexts()
      if (cells[1].includes(people.a.name)) nums.a = cells[0].trim()
      if (cells[1].includes(people.c.name)) nums.c = cells[0].trim()
    }
    check(/^S040053000001\d{2}5\d{6}$/.test(nums.a || '') && /^S\d{21}$/.test(nums.c || ''), 'certificate numbers: the body\'s prefix, the year, level digit 5', `${nums.a} ${nums.c}`)
    const events = await text(page, '[data-test=events]')
    check(['pingjia', 'hongta', 'yuxi', '已退回', '公示中', '已发证', '成绩单缺少考评员签字'].every((w) => events.includes(w)), 'the event log shows who did what, the return and its reason', events.slice(0, 400))
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export-certs]')])
    const xlsx = readFileSync(await dl.path())
    check(/\.xlsx$/.test(dl.suggestedFilename()) && xlsx.subarray(0, 2).toString() === 'PK', 'the batch\'s certificates export as XLSX', dl.suggestedFilename())
    await shot(page, 'cert-batch-issued')
    await fits(page, 'the batch page')
  })

  // ------------------------------------------------------------ the certificates
  await scenario('cert-list', async () => {
    const page = pages.a
    await page.click('[data-test=menu-certificates]')
    await page.waitForSelector('[data-test=certs-table] .el-table__row')
    await page.fill('input[name=batch]', String(batchId))
    await page.click('[data-test=cert-search]')
    await page.waitForFunction(() => document.querySelectorAll('[data-test=certs-table] .el-table__row').length === 2)
    const listed = await page.locator('[data-test=certs-table] .el-table__row td:first-child').allInnerTexts()
    check(nums.a && listed.map((x) => x.trim()).includes(nums.a), 'the new certificate is in the certificate list (by batch)', listed.join(','))
    const ids = await page.locator('[data-test=certs-table] .el-table__row td:nth-child(3)').allInnerTexts()
    check(ids.every((x) => x.includes('*')), 'ID numbers are masked in the certificate list')
    await shot(page, 'cert-list')

    // the county clerk: on the person's record, the full certificate, the PDF
    const c = pages.c
    await c.goto(`${BASE}/persons/${people.a.id}`)
    await c.waitForSelector(`[data-test=cert-${nums.a}]`)
    const sec = await text(c, '[data-test=certificates]')
    check(sec.includes('焊工') && sec.includes('有效'), 'the certificate is on the person\'s record', sec.slice(0, 200))
    check((await text(c, '[data-test=highest-level]')).includes('初级工'), 'the highest valid level is derived from it')
    check((await text(c, '[data-test=timeline]')).includes('取得证书'), 'the lifelong record\'s timeline shows the certificate')
    await shot(c, 'cert-person-record')
    await c.click(`[data-test=cert-${nums.a}]`)
    await c.waitForSelector('[data-test=cert-fields]')
    const fields = await text(c, '[data-test=cert-fields]')
    check(fields.includes(people.a.name) && fields.includes(people.a.id_number) && fields.includes('五级（初级工）') && fields.includes('玉溪市职业技能鉴定评价中心') && fields.includes(today),
      'the certificate shows every printed field (the ID number whole)', fields.slice(0, 300))
    check((await text(c, '[data-test=cert-status]')) === '有效', 'its status is 有效')
    check(!(await c.locator('[data-test=revoke-cert]').count()), 'a county clerk cannot revoke')
    const [pdf] = await Promise.all([c.waitForEvent('download'), c.click('[data-test=download-pdf]')])
    const bytes = readFileSync(await pdf.path())
    check(bytes.subarray(0, 5).toString() === '%PDF-' && pdf.suggestedFilename().includes(nums.a), 'the PDF downloads with the token', pdf.suggestedFilename())
    const [popup] = await Promise.all([c.waitForEvent('popup'), c.click('[data-test=open-pdf]')])
    await popup.waitForURL(/^blob:/, { timeout: 10000 }).catch(() => {})
    check(popup.url().startsWith('blob:'), 'open PDF shows it in a new tab (a blob URL)', popup.url())
    await popup.close()
    const href = await c.locator('[data-test=verify-link]').getAttribute('href')
    check(href === `/verify?number=${nums.a}`, 'the certificate links to its public verification', href)
    await shot(c, 'cert-detail')
  })

  // the credentials of both certificates, as printed (before any revocation)
  const jwt = {}
  for (const k of ['a', 'c']) {
    // anonymous: the number and the holder's name, as /verify
    const r = await api(null, 'GET', `/api/v1/certificates/${nums[k]}/credential?name=${encodeURIComponent(people[k].name)}`)
    jwt[k] = r.status === 200 ? r.text.trim() : ''
    check(jwt[k].split('.').length === 3, 'setup: the credential of certificate ' + k, r.status)
  }

  await scenario('cert-revoke', async () => {
    const page = await newPage()
    await login(page, 'admin')
    await page.goto(`${BASE}/certificates/${nums.c}`)
    await page.waitForSelector('[data-test=revoke-cert]')
    await page.click('[data-test=revoke-cert]')
    await page.click('[data-test=revoke-ok]')
    await page.waitForSelector('.el-dialog .el-form-item__error')
    check((await fieldError(page, '注销原因')).length > 0, 'revoking without a reason is refused next to the field')
    await page.fill('.el-dialog textarea[name=reason]', '经复核，实操考试成绩登记有误')
    await page.click('[data-test=revoke-ok]')
    await page.waitForSelector('[data-test=revoked-banner]')
    const banner = await text(page, '[data-test=revoked-banner]')
    check(banner.includes(today) && banner.includes('实操考试成绩登记有误'), 'the revoked certificate shows its date and reason', banner)
    check((await text(page, '[data-test=cert-status]')) === '已注销', 'its status is 已注销')
    check(!(await page.locator('[data-test=revoke-cert]').count()), 'a revoked certificate cannot be revoked again')
    await shot(page, 'cert-revoked')
    // a whole batch: one of the Y body's issued batches of the demo
    const issued = (await api('admin', 'GET', '/api/v1/batches?state=issued&per_page=50')).json.items.filter((x) => x.body_type === 'Y' && x.id !== batchId)
    check(issued.length > 0, 'setup: an issued batch of the demo to revoke')
    await page.goto(`${BASE}/batches/${issued[0].id}`)
    await page.waitForSelector('[data-test=revoke-batch]')
    check(!(await page.locator('[data-test=issue], [data-test=review-pass]').count()), 'an issued batch offers the administrator only its revocation')
    await page.click('[data-test=revoke-batch]')
    await page.click('[data-test=reason-ok]')
    await page.waitForSelector('.el-dialog .el-form-item__error')
    check((await fieldError(page, '撤销原因')).length > 0, 'revoking a batch without a reason is refused next to the field')
    await page.fill('.el-dialog textarea[name=reason]', '考场组织违规，整批撤销')
    await page.click('[data-test=reason-ok]')
    await stateIs(page, '已撤销')
    check((await text(page, '[data-test=revoke-reason]')).includes('考场组织违规，整批撤销'), 'the revoked batch shows who revoked it and why')
    await page.waitForSelector('[data-test=batch-certs-table] .el-table__row')
    const bst = await page.locator('[data-test=batch-certs-table] .el-table__row td:nth-child(6)').allInnerTexts()
    check(bst.length > 0 && bst.every((x) => x.includes('已注销')), 'every certificate of the revoked batch shows as 已注销', bst.join(','))
    await shot(page, 'cert-batch-revoked')
    await page.goto(`${BASE}/certificates?status=revoked`)
    await page.waitForSelector(`[data-test=certs-table] .el-table__row:has-text("${nums.c}")`)
    check(true, 'the revoked certificate is in the list filtered by 已注销')
    await logout(page)
    await page.close()
    for (const p of Object.values(pages)) await p.close()
  })

  // ------------------------------------------------------------ direct recognition by a Y body, with its evidence file
  await scenario('cert-direct', async () => {
    const id = idNumber('530402', '19880808', 805)
    const r = await api('admin', 'POST', '/api/v1/persons', { name: '直认戊', id_number: id, region: '530402', employer: '玉溪市红塔区精工机械制造有限公司' })
    check(r.status === 201, 'setup: a worker of the Y body\'s employer', JSON.stringify(r.json))
    const page = await newPage()
    await login(page, 'zipingjia')
    await page.click('[data-test=menu-batches]')
    await page.click('[data-test=add-batch]')
    await page.waitForSelector('[data-test=batch-save]')
    await page.locator('[data-test=batch-occupation] .el-select').click()
    await page.keyboard.type('焊工')
    await option(page, '焊工（6-18-02-04）')
    await page.locator('[data-test=batch-level]').click()
    await option(page, '三级（高级工）')
    await page.fill('input[name=exam_from]', today)
    await page.keyboard.press('Enter')
    await page.fill('.el-dialog input[name=place]', '精工机械焊接车间')
    await page.locator('[data-test=batch-examiners]').click()
    await option(page, '周德明')
    await page.keyboard.press('Escape')
    await page.locator('[data-test=batch-supervisor]').click()
    await option(page, '郑春梅')
    await page.click('[data-test=batch-save]')
    await page.waitForURL(/\/batches\/\d+$/, { timeout: 10000 })
    await stateIs(page, '计划中')
    await page.click('[data-test=enrol]')
    await page.fill('input[name=cand_id_number]', id)
    await page.locator('[data-test=enrol-route] label', { hasText: '直接认定' }).click()
    await page.click('[data-test=enrol-save]')
    await page.waitForSelector('.el-dialog .el-form-item__error')
    check((await fieldError(page, '认定依据')).length > 0 && (await fieldError(page, '业绩证明材料')).length > 0,
      'direct recognition without basis and evidence is refused next to both fields')
    await page.fill('.el-dialog textarea[name=basis]', '技能高超、业绩突出的一线职工')
    await page.fill('.el-dialog textarea[name=evidence_text]', '主持压力容器焊缝返修工艺改进')
    await page.setInputFiles('[data-test=enrol-evidence]', { name: '业绩证明.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 业绩证明') })
    await shot(page, 'cert-direct-enrol')
    await page.click('[data-test=enrol-save]')
    await page.waitForSelector('[data-test=candidates-table] .el-table__row:has-text("直认戊")')
    await page.locator('.el-dialog__headerbtn:visible').click()
    const row = await text(page, '[data-test=candidates-table] .el-table__row:has-text("直认戊")')
    check(row.includes('直接认定') && row.includes('业绩证明.pdf'), 'the candidate is enrolled by direct recognition, the evidence file uploaded', row)
    await page.locator('[data-test=candidates-table] .el-table__row:has-text("直认戊") .el-table__expand-icon').click()
    const exp = await text(page, '[data-test=candidates-table] .el-table__expanded-cell')
    check(exp.includes('技能高超') && /SHA-256 [0-9a-f]{64}/.test(exp), 'its basis and the file\'s SHA-256 are shown', exp)
    await shot(page, 'cert-direct-batch')
    await logout(page)
    await page.close()
  })

  // ------------------------------------------------------------ the worker's own, on a phone
  await scenario('cert-worker', async () => {
    const page = await newPage({ width: 390, height: 844 })
    await login(page, 'laodongzhe')
    await page.goto(BASE + '/me')
    await page.waitForSelector('[data-test=certificates] .cert')
    check((await text(page, '[data-test=certificates]')).includes('焊工'), 'the worker sees their certificates on 我的档案')
    await fits(page, 'my record with certificates on a phone')
    await page.locator('[data-test=certificates] .cert').first().click()
    await page.waitForSelector('[data-test=cert-fields]')
    await fits(page, 'a certificate on a phone')
    await shot(page, 'cert-worker-certificate')
    await page.close()
  })

  // ------------------------------------------------------------ public verification, on a phone
  const pending = (await api('admin', 'GET', '/api/v1/certificates?status=pending&per_page=1')).json.items[0]
  await scenario('cert-verify', async () => {
    const page = await newPage({ width: 390, height: 844 })
    await page.goto(BASE + '/verify')
    await page.waitForSelector('[data-test=verify-submit]')
    check(!page.url().includes('/login'), 'the verification page opens without logging in')
    const cases = [
      ['valid', nums.a, people.a.name, '证书有效'],
      ['revoked', nums.c, people.c.name, '证书已注销'],
      ['pending', pending.number, pending.holder_name, '已审批，尚未发证'],
      ['unknown', 'S040053000001269999999', '张三', '未查到该证书'],
    ]
    for (const [what, number, name, title] of cases) {
      await page.fill('input[name=number]', number)
      await page.fill('input[name=name]', name)
      await page.click('[data-test=verify-submit]')
      await page.waitForSelector('[data-test=verify-result-title]')
      await page.waitForFunction((n) => document.querySelector('[data-test=verify-result]')?.innerText.includes(n) || document.querySelector('[data-test=verify-result-title]')?.innerText.includes('未查到'), number)
      const got = await text(page, '[data-test=verify-result-title]')
      check(got === title, `${what}: shows ${title}`, got)
      if (what !== 'unknown') {
        const holder = await text(page, '[data-test=verify-holder]')
        check(holder.includes('*') && holder !== name && holder[0] === name[0], `${what}: the holder's name masked`, holder)
      }
      if (what === 'revoked') check((await text(page, '[data-test=verify-revoked-on]')) === today, 'revoked: the date of revocation shown')
      await fits(page, `verify (${what}) on a 390px phone`)
      await shot(page, 'verify-' + what)
    }
    // a wrong name is answered like an unknown number
    await page.fill('input[name=number]', nums.a)
    await page.fill('input[name=name]', '别人')
    await page.click('[data-test=verify-submit]')
    await page.waitForFunction(() => document.querySelector('[data-test=verify-result-title]')?.innerText.includes('未查到'))
    check(true, 'a wrong name finds nothing')
    await page.close()
  })

  await scenario('cert-qr', async () => {
    const page = await newPage({ width: 390, height: 844 })
    const openQr = async (p, number, token) => {
      await p.goto(`${BASE}/verify?number=${number}&credential=${token}`)
      await p.waitForSelector('[data-test=signature]')
    }
    await openQr(page, nums.a, jwt.a)
    check((await text(page, '[data-test=signature]')).startsWith('签名有效'), 'the QR link with a real credential: 签名有效', await text(page, '[data-test=signature]'))
    check((await text(page, '[data-test=cred-name]')) === people.a.name && (await text(page, '[data-test=cred-level]')).includes('初级工'), 'the credential\'s fields are shown')
    await page.waitForFunction(() => /有效|注销|未能|查不到/.test(document.querySelector('[data-test=online-status]')?.innerText || '') && !/查询中/.test(document.querySelector('[data-test=online-status]')?.innerText || ''))
    check((await text(page, '[data-test=online-status]')).endsWith('有效'), 'and checked online: 有效', await text(page, '[data-test=online-status]'))
    check((await text(page, '[data-test=verdict]')).includes('证书有效'), 'the verdict: 证书有效')
    check((await page.locator('[data-test=verify-method]').getAttribute('data-method')) === 'WebCrypto', 'Chromium checks it with WebCrypto Ed25519')
    await fits(page, 'the QR verification on a phone')
    await shot(page, 'verify-qr-valid')

    // one character of the payload changed
    const [h, p, s] = jwt.a.split('.')
    const i = Math.floor(p.length / 2)
    const bad = [h, p.slice(0, i) + (p[i] === 'A' ? 'B' : 'A') + p.slice(i + 1), s].join('.')
    await openQr(page, nums.a, bad)
    const sig = await text(page, '[data-test=signature]')
    check(sig.startsWith('签名无效') && sig.includes('被改动'), 'one character changed: 签名无效 / 证书内容被改动', sig)
    check((await text(page, '[data-test=verdict]')).includes('无效'), 'the verdict says the credential is invalid')
    check(!(await page.locator('[data-test=credential-fields]').count()), 'the changed content is not shown as if it were true')
    await fits(page, 'the invalid credential on a phone')
    await shot(page, 'verify-qr-tampered')

    // validly signed, since revoked
    await openQr(page, nums.c, jwt.c)
    check((await text(page, '[data-test=signature]')).startsWith('签名有效'), 'the revoked certificate\'s credential still verifies')
    await page.waitForFunction(() => (document.querySelector('[data-test=online-status]')?.innerText || '').includes('注销'))
    check((await text(page, '[data-test=verdict]')).includes('证书已注销'), 'but the page says it is revoked', await text(page, '[data-test=verdict]'))
    await shot(page, 'verify-qr-revoked')
    await page.close()

    // a browser without Ed25519 in WebCrypto: the pure-JS fallback
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
    await ctx.addInitScript(() => {
      const subtle = globalThis.crypto && globalThis.crypto.subtle
      if (!subtle) return
      const importKey = subtle.importKey.bind(subtle)
      subtle.importKey = (format, key, alg, ...rest) => (alg && (alg === 'Ed25519' || alg.name === 'Ed25519')
        ? Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError')) : importKey(format, key, alg, ...rest))
    })
    const old = await ctx.newPage()
    old.on('pageerror', (e) => check(false, 'no script error on the page', e.message))
    await openQr(old, nums.a, jwt.a)
    check((await text(old, '[data-test=signature]')).startsWith('签名有效') && (await old.locator('[data-test=verify-method]').getAttribute('data-method')) === 'TweetNaCl',
      'without WebCrypto Ed25519 the credential verifies with TweetNaCl')
    await openQr(old, nums.a, bad)
    check((await text(old, '[data-test=signature]')).startsWith('签名无效'), 'and TweetNaCl refuses the changed one too')
    await ctx.close()
  })

  // ------------------------------------------------------------ the rate limit, as the public sees it (last)
  await scenario('cert-rate-limit', async () => {
    const page = await newPage({ width: 390, height: 844 })
    await page.goto(BASE + '/verify')
    await page.fill('input[name=number]', nums.a)
    await page.fill('input[name=name]', people.a.name)
    // empty the address's bucket (20 a minute, bursts of 40) just before the click
    let st = 0
    for (let i = 0; i < 80 && st !== 429; i++) st = (await api(null, 'GET', '/api/v1/verify?number=S040053000001269999999&name=x')).status
    check(st === 429, 'setup: the address\'s verification bucket is empty', st)
    await page.click('[data-test=verify-submit]')
    await page.waitForSelector('[data-test=rate-limited]')
    const msg = await text(page, '[data-test=rate-limited]')
    check(msg.includes('查询过于频繁') && /\d+秒后再试/.test(msg), 'too many checks: the page says so and when to retry', msg)
    check(!(await page.locator('[data-test=verify-result]').count()), 'and shows no result')
    await fits(page, 'the rate-limit message on a phone')
    await shot(page, 'verify-rate-limited')
    await page.close()
  })
}
