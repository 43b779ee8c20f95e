/* api_verify.c — what the public reaches without signing in: certificate
 * verification by number and name (rate-limited per client address, taken
 * from the socket) and the public notice of evaluation results; and the
 * verification counts for administrators. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "http/http.h"

/* 20 verifications a minute per address, bursts of 40 (jineng serve
 * --verify-limit changes it: ratelimit.c). */

void api_verify(req *r, resp *out)
{
	if (resp_rate_limited(r, out))
		return;
	int bad = 0;
	const char *number = req_query(r, "number", 64, &bad), *name = req_query(r, "name", 200, &bad);
	if (resp_bad_query(out, bad, NULL))
		return;
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e = cert_verify(r->store, number, name, &j, &fe);
	resp_outcome(out, e, &fe, j, 200);
}

void api_verify_stats(req *r, resp *out)
{
	int bad = 0;
	const char *from = req_query(r, "from", 10, &bad), *to = req_query(r, "to", 10, &bad);
	if (bad) {
		resp_problem_code(out, 400, "bad_query", "查询参数无效", "日期应为 YYYY-MM-DD");
		return;
	}
	json_t *items = NULL;
	jn_err e = cert_verify_stats(r->store, &r->sc, from, to, &items);
	resp_list(out, e, e ? json_array() : items);
}

void api_notices(req *r, resp *out)
{
	json_t *items = NULL;
	jn_err e = batch_notices(r->store, &items);
	resp_list(out, e, e ? json_array() : items);
}
