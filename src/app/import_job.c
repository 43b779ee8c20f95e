/* import_job.c — imports that run in the background, so a web page can
 * show a progress bar instead of holding one request open for minutes.
 *
 * A job owns a copy of the uploaded file and runs import_persons (one
 * transaction, exactly as the synchronous import) in a thread of its own;
 * jobs run one after another, since an import holds the write lock for
 * its whole length anyway.  The rejected rows are kept as CSV (in both
 * modes) so a clerk can correct them and import them again.  Jobs live in
 * memory only: the last JOBS_KEPT, for an hour after they end. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "io/table.h"

#define JOBS_KEPT 50
#define KEEP_SECONDS 3600
#define MAX_ACTIVE 4 /* running or waiting: each holds its file in memory */

enum { JOB_FREE = 0, JOB_RUNNING, JOB_DONE, JOB_REJECTED, JOB_FAILED };

typedef struct job {
	int state;
	int64_t id;
	int64_t owner;          /* the account that started it */
	scope sc;
	store *s;
	import_opts o;
	char *data;             /* the file, until the import has read it */
	size_t len;
	char file_name[200];
	long rows_done, rows_total; /* rows_total < 0: not known */
	json_t *report;
	char *rejects;          /* CSV with BOM, or NULL */
	size_t rejects_len;
	long rejects_rows;
	char started_at[32], finished_at[32];
	time_t ended;
	char error[160];        /* why it failed */
} job;

static job JOBS[JOBS_KEPT];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t run_mu = PTHREAD_MUTEX_INITIALIZER; /* one import at a time */
static int64_t next_id = 1;
static int active;
static int stopping;

static void job_clear(job *j)
{
	free(j->data);
	free(j->rejects);
	json_decref(j->report);
	memset(j, 0, sizeof *j);
}

static void on_progress(void *ctx, long done, long total)
{
	(void)total;
	job *j = ctx;
	pthread_mutex_lock(&mu);
	j->rows_done = done;
	if (j->rows_total >= 0 && done > j->rows_total)
		j->rows_total = done;
	pthread_mutex_unlock(&mu);
}

static void *run(void *arg)
{
	job *j = arg;
	pthread_mutex_lock(&run_mu);
	import_report rep;
	memset(&rep, 0, sizeof rep);
	jn_err e = JN_EINTERNAL;
	char *rbuf = NULL;
	size_t rlen = 0;
	pthread_mutex_lock(&mu);
	int skip = stopping;
	pthread_mutex_unlock(&mu);
	if (!skip) {
		FILE *rf = open_memstream(&rbuf, &rlen);
		import_opts o = j->o;
		o.rejects = rf;
		o.progress = on_progress;
		o.progress_ctx = j;
		e = rf ? import_persons(j->s, &j->sc, j->data, j->len, &o, &rep) : JN_ENOMEM;
		if (rf)
			fclose(rf);
	}
	pthread_mutex_unlock(&run_mu);

	json_t *report = rep.errors ? import_report_json(&rep) : NULL;
	pthread_mutex_lock(&mu);
	free(j->data);
	j->data = NULL;
	j->report = report;
	j->rows_done = j->rows_total = rep.rows;
	j->rejects_rows = rep.rejected;
	if (rep.rejected && rbuf) {
		j->rejects = rbuf;
		j->rejects_len = rlen;
		rbuf = NULL;
	}
	store_now(j->finished_at);
	j->ended = time(NULL);
	j->state = e == JN_OK ? JOB_DONE : e == JN_EINVAL ? JOB_REJECTED : JOB_FAILED;
	if (j->state == JOB_FAILED)
		snprintf(j->error, sizeof j->error, "%s", skip ? "服务正在停止，导入未执行" : jn_err_title_zh(e));
	if (j->state == JOB_FAILED && !j->report) {
		json_t *r = json_object();
		json_object_set_new(r, "error", json_string(jn_err_code(e)));
		json_object_set_new(r, "message", json_string(skip ? "服务正在停止，导入未执行" : jn_err_title_zh(e)));
		j->report = r;
	}
	active--;
	pthread_cond_broadcast(&idle);
	pthread_mutex_unlock(&mu);
	free(rbuf);
	import_report_free(&rep);
	return NULL;
}

/* Frees the jobs that ended more than an hour ago; then a free slot, or
 * the one that ended first; NULL when every slot is busy.  Under mu. */
static job *take_slot(void)
{
	time_t now = time(NULL);
	job *oldest = NULL;
	for (int i = 0; i < JOBS_KEPT; i++) {
		job *j = &JOBS[i];
		if (j->state > JOB_RUNNING && now - j->ended > KEEP_SECONDS)
			job_clear(j);
	}
	for (int i = 0; i < JOBS_KEPT; i++) {
		job *j = &JOBS[i];
		if (j->state == JOB_FREE)
			return j;
		if (j->state > JOB_RUNNING && (!oldest || j->id < oldest->id))
			oldest = j;
	}
	if (oldest)
		job_clear(oldest);
	return oldest;
}

/* Data rows a CSV probably has (lines after the header); -1 for XLSX. */
static long estimate_rows(const char *data, size_t len)
{
	if (table_is_xlsx(data, len))
		return -1;
	long lines = 0;
	for (const char *p = data, *end = data + len; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		lines++;
	if (len && data[len - 1] != '\n')
		lines++;
	return lines > 1 ? lines - 1 : 0;
}

jn_err import_job_start(store *s, const scope *sc, const char *data, size_t len, const import_opts *o,
			const char *file_name, int64_t *id)
{
	char *copy = malloc(len ? len : 1);
	if (!copy)
		return JN_ENOMEM;
	memcpy(copy, data, len);
	long estimate = estimate_rows(data, len);
	pthread_mutex_lock(&mu);
	job *j = active < MAX_ACTIVE && !stopping ? take_slot() : NULL;
	if (!j) {
		pthread_mutex_unlock(&mu);
		free(copy);
		return JN_EBUSY;
	}
	j->state = JOB_RUNNING;
	j->id = next_id++;
	j->owner = sc->account_id;
	j->sc = *sc;
	j->s = s;
	j->o = *o;
	j->o.rejects = NULL;
	j->data = copy;
	j->len = len;
	snprintf(j->file_name, sizeof j->file_name, "%s", file_name ? file_name : "");
	j->rows_total = estimate;
	store_now(j->started_at);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_t th;
	int rc = pthread_create(&th, &attr, run, j);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		job_clear(j);
		pthread_mutex_unlock(&mu);
		return JN_ENOMEM;
	}
	active++;
	*id = j->id;
	pthread_mutex_unlock(&mu);
	return JN_OK;
}

/* The job id when sc may see it; under mu. */
static job *find(const scope *sc, int64_t id)
{
	for (int i = 0; i < JOBS_KEPT; i++) {
		job *j = &JOBS[i];
		if (j->state == JOB_FREE || j->id != id)
			continue;
		int mine = sc->account_id && j->owner == sc->account_id;
		int all = sc->system || (sc->role == ROLE_ADMIN && !sc->region[0]);
		return mine || all ? j : NULL;
	}
	return NULL;
}

static const char *state_name(int st)
{
	return st == JOB_RUNNING ? "running" : st == JOB_DONE ? "done" : st == JOB_REJECTED ? "rejected" : "failed";
}

jn_err import_job_json(const scope *sc, int64_t id, json_t **out)
{
	pthread_mutex_lock(&mu);
	job *j = find(sc, id);
	if (!j) {
		pthread_mutex_unlock(&mu);
		return JN_ENOTFOUND;
	}
	json_t *x = json_object();
	json_object_set_new(x, "id", json_integer(j->id));
	json_object_set_new(x, "state", json_string(state_name(j->state)));
	json_object_set_new(x, "rows_done", json_integer(j->rows_done));
	json_object_set_new(x, "rows_total", j->rows_total >= 0 ? json_integer(j->rows_total) : json_null());
	json_object_set_new(x, "report",
			    j->state != JOB_RUNNING && j->report ? json_deep_copy(j->report) : json_null());
	json_object_set_new(x, "rejects_rows", json_integer(j->rejects_rows));
	json_object_set_new(x, "started_at", json_string(j->started_at));
	json_object_set_new(x, "finished_at", j->finished_at[0] ? json_string(j->finished_at) : json_null());
	json_object_set_new(x, "file_name", j->file_name[0] ? json_string(j->file_name) : json_null());
	json_object_set_new(x, "dry_run", json_boolean(j->o.dry_run));
	json_object_set_new(x, "partial", json_boolean(j->o.partial));
	json_object_set_new(x, "started_by", json_string(j->sc.username));
	/* Why a failed job failed, in Chinese (a rejected one has its report). */
	json_object_set_new(x, "error", j->state == JOB_FAILED ? json_string(j->error) : json_null());
	pthread_mutex_unlock(&mu);
	*out = x;
	return JN_OK;
}

jn_err import_job_rejects(const scope *sc, int64_t id, char **csv, size_t *len, char name[256])
{
	pthread_mutex_lock(&mu);
	job *j = find(sc, id);
	if (!j || !j->rejects || !j->rejects_rows) {
		pthread_mutex_unlock(&mu);
		return JN_ENOTFOUND;
	}
	*csv = malloc(j->rejects_len ? j->rejects_len : 1);
	if (!*csv) {
		pthread_mutex_unlock(&mu);
		return JN_ENOMEM;
	}
	memcpy(*csv, j->rejects, j->rejects_len);
	*len = j->rejects_len;
	/* "名册.xlsx" → "名册_错误行.csv" */
	if (j->file_name[0]) {
		char base[200];
		snprintf(base, sizeof base, "%s", j->file_name);
		char *dot = strrchr(base, '.');
		if (dot && dot != base)
			*dot = '\0';
		snprintf(name, 256, "%s_错误行.csv", base);
	} else {
		snprintf(name, 256, "导入错误行_%lld.csv", (long long)j->id);
	}
	pthread_mutex_unlock(&mu);
	return JN_OK;
}

void import_jobs_shutdown(void)
{
	pthread_mutex_lock(&mu);
	stopping = 1;
	while (active > 0)
		pthread_cond_wait(&idle, &mu);
	for (int i = 0; i < JOBS_KEPT; i++)
		job_clear(&JOBS[i]);
	stopping = 0;
	pthread_mutex_unlock(&mu);
}
