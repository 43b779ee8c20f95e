/* api_catalog.c — the reference catalogues: regions, occupations, levels. */
#include <stdlib.h>
#include <string.h>

#include "core/regions.h"
#include "http/http.h"

void api_regions(req *r, resp *out)
{
	int bad = 0;
	const char *parent = req_query(r, "parent", 6, &bad);
	const char *q = req_query(r, "q", 60, &bad);
	const char *hist = req_query(r, "include_historical", 5, &bad);
	if (resp_bad_query(out, bad, NULL))
		return;
	int with_hist = hist && (strcmp(hist, "1") == 0 || strcmp(hist, "true") == 0);
	json_t *items = json_array();
	for (int i = 0; i < REGIONS_COUNT; i++) {
		const region_entry *e = &REGIONS[i];
		if (!e->current && !with_hist)
			continue;
		if (parent && strcmp(e->parent, parent) != 0)
			continue;
		if (q && q[0] && !strstr(e->name, q) && strncmp(e->code, q, strlen(q)) != 0)
			continue;
		json_t *j = json_object();
		json_object_set_new(j, "code", json_string(e->code));
		json_object_set_new(j, "name", json_string(e->name));
		json_object_set_new(j, "kind", json_string(e->kind == 'P' ? "province" : e->kind == 'C' ? "prefecture" : "county"));
		json_object_set_new(j, "parent", json_string(e->parent));
		json_object_set_new(j, "current", json_boolean(e->current));
		json_array_append_new(items, j);
	}
	json_t *j = json_object();
	json_object_set_new(j, "items", items);
	resp_json(out, 200, j);
}

static int occ_one(void *ctx, const occupation *o)
{
	json_t *j = json_object();
	json_object_set_new(j, "code", json_string(o->code));
	json_object_set_new(j, "name", json_string(o->name));
	json_object_set_new(j, "kind", json_string(o->kind));
	json_object_set_new(j, "parent", json_string(o->parent));
	json_object_set_new(j, "mark", json_string(o->mark));
	json_array_append_new((json_t *)ctx, j);
	return 0;
}

void api_occupations(req *r, resp *out)
{
	int bad = 0;
	const char *q = req_query(r, "q", 60, &bad);
	const char *lim = req_query(r, "limit", 4, &bad);
	if (resp_bad_query(out, bad, NULL))
		return;
	int limit = lim ? (int)parse_id(lim) : 50;
	if (limit <= 0 || limit > 500) {
		jn_fields fe = {0};
		jn_fields_add(&fe, "limit", "out_of_range", "limit 应为 1-500");
		resp_problem(out, JN_EINVAL, &fe, NULL);
		return;
	}
	stx *t;
	if (!(t = read_tx(r, out)))
		return;
	jn_err e;
	json_t *items = json_array();
	e = store_occupations(t, q, limit, occ_one, items);
	stx_rollback(t);
	resp_list(out, e, items);
}

void api_levels(req *r, resp *out)
{
	(void)r;
	json_t *items = json_array();
	for (int i = 0; i < 8; i++) {
		json_t *j = json_object();
		json_object_set_new(j, "rank", json_integer(LEVELS[i].rank));
		json_object_set_new(j, "name", json_string(LEVELS[i].name));
		json_object_set_new(j, "national_level", json_string(LEVELS[i].national));
		json_object_set_new(j, "certificate_digit", LEVELS[i].cert_digit ? json_integer(LEVELS[i].cert_digit) : json_null());
		json_array_append_new(items, j);
	}
	json_t *j = json_object();
	json_object_set_new(j, "items", items);
	resp_json(out, 200, j);
}
