/* cli.h — the jineng command line: one function per command, each with its
 * own --help.  Exit status: 0 done, 1 input rejected, 2 usage error. */
#ifndef JN_CLI_H
#define JN_CLI_H

#include "core/err.h"
#include "store/store.h"

enum { EXIT_OKAY = 0, EXIT_REJECTED = 1, EXIT_USAGE = 2, EXIT_FAILED = 3 };

int cmd_serve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_evaluator(int argc, char **argv); /* cmd_cert.c */
int cmd_batch(int argc, char **argv);     /* cmd_cert.c */
int cmd_cert(int argc, char **argv);      /* cmd_cert.c */
int cmd_keygen(int argc, char **argv);            /* cmd_keys.c */
int cmd_keys(int argc, char **argv);              /* cmd_keys.c */
int cmd_verify_credential(int argc, char **argv); /* cmd_keys.c */
int cmd_voucher(int argc, char **argv);           /* cmd_money.c */
int cmd_subsidy(int argc, char **argv);           /* cmd_money.c */
int cmd_fund(int argc, char **argv);              /* cmd_money.c */
int cmd_train(int argc, char **argv);             /* cmd_train.c */
int cmd_record(int argc, char **argv);            /* cmd_record.c */
int cmd_stats(int argc, char **argv);             /* cmd_record.c */

/* The database URL: --db, else $JINENG_DB, else sqlite:var/jineng.db. */
const char *cli_db_url(const char *given);
/* The reference data directory: $JINENG_DATA, else data/ in the working
 * directory, else data/ next to the binary's directory (buf: PATH_MAX+16). */
const char *cli_datadir(char *buf, size_t cap);
/* Opens the store and applies migrations; prints why on failure. */
store *cli_open(const char *url, int pool);
/* Prints field errors, one per line, to stderr. */
void cli_print_fields(const jn_fields *fe);
/* Reads a whole file ("-" = standard input); NULL and errno on failure. */
char *cli_slurp(const char *path, size_t *len);
/* Writes len bytes to path ("-" = standard output); 0, or -1 after
 * printing why. */
int cli_write_file(const char *path, const void *data, size_t len);
int cli_is_help(const char *arg);

#endif
