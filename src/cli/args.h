/* args.h — what the service commands (jineng evaluator/batch/cert, train,
 * voucher/subsidy/fund, record/stats) share: "--name value" options and
 * positionals, who acts (--as), and printing a service's answer. */
#ifndef JN_CLI_ARGS_H
#define JN_CLI_ARGS_H

#include <jansson.h>
#include <stdint.h>

#include "app/app.h"
#include "cli/cli.h"

#define CLI_MAX_OPTS 64

typedef struct cli_args {
	const char *key[CLI_MAX_OPTS], *val[CLI_MAX_OPTS];
	int nopt;
	const char *pos[8];
	int npos;
	int help;
	int dry_run; /* --dry-run, the one option without a value */
} cli_args;

/* "--name value" pairs, --dry-run, --help and positionals; 0 on success
 * (the reason printed otherwise). */
int cli_parse(int argc, char **argv, cli_args *a);
/* The last value of --k, or NULL. */
const char *cli_opt(const cli_args *a, const char *k);
/* Every value of a repeated --k, in order; how many (at most cap). */
int cli_opts(const cli_args *a, const char *k, const char **out, int cap);
/* 1 when every option is allowed (--db and --as always are); else says which is not. */
int cli_only(const cli_args *a, const char *const *allowed);
/* A non-negative integer, or -1. */
int64_t cli_num(const char *s);
/* --k as a small number: -1 absent, 1001 when out of 0..1000 (the service says why). */
int cli_small(const cli_args *a, const char *k);

/* Opens the store (--db) and resolves who acts: the system, or with --as
 * USERNAME that account exactly as after its sign-in.  NULL on failure;
 * cli_as_refused() is then 1 when --as named no usable account (a
 * rejection, exit 1, not a failure). */
store *cli_open_as(const cli_args *a, scope *sc);
int cli_as_refused(void);
/* The exit status when cli_open_as gave NULL. */
int cli_not_opened(void);

/* Closes s; prints j (indented JSON) on success, else the error, why (may
 * be NULL) and the field reasons; returns the exit status. */
int cli_finish(store *s, jn_err e, const jn_fields *fe, json_t *j, const char *why);

#endif
