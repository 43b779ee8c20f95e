/* table_import.h — what every spreadsheet import shares (app/table_import.c):
 * the file read as CSV (UTF-8 or GB18030) or XLSX, its header row matched to
 * the import's columns (Chinese label, aliases or the API's field name),
 * the rows handed over in chunks, every rejected row reported with its row,
 * column and reason and copied to the rejects file, all-or-nothing by
 * default (partial and dry run on request) in one transaction, the summary
 * audit entry and progress.  An import (persons, certificates) supplies its
 * columns and a function that checks and writes a chunk of rows. */
#ifndef JN_TABLE_IMPORT_H
#define JN_TABLE_IMPORT_H

#include "app/app.h"

#define IMPORT_MAX_COLUMNS 16
#define IMPORT_CHUNK_ROWS 256

typedef struct import_column {
	const char *field;      /* the API's field name, also accepted as a header */
	const char *label;      /* the Chinese header we write and show            */
	const char *aliases[6];
	int required;           /* the file is refused without this column         */
} import_column;

typedef struct import_row {
	long rowno;                        /* as Excel shows it                    */
	int nf;
	const char *const *fields;         /* the row as read                      */
	const char *v[IMPORT_MAX_COLUMNS]; /* per column: the cell, NULL when absent or empty */
} import_row;

typedef struct table_import table_import;

typedef struct import_spec {
	const char *what;              /* "persons": audited "import.persons", subject "persons" */
	const import_column *cols;
	int ncols;
	/* Checks and writes n rows of the file, in order, rejecting the bad ones
	 * with import_reject and counting the others in import_rep(); anything
	 * but JN_OK stops the import (nothing is written). */
	jn_err (*chunk)(void *ctx, table_import *ti, const import_row *rows, int n);
	void *ctx;
	int analyze_after;             /* refresh the planner's statistics after a big import */
} import_spec;

/* Runs the import of data; the same contract as import_persons. */
jn_err table_import_run(store *s, const scope *sc, const char *data, size_t len, const import_opts *o,
			const import_spec *spec, import_report *rep);

stx *import_tx(table_import *ti);
const scope *import_scope(table_import *ti);
int import_today(table_import *ti);
import_report *import_rep(table_import *ti);
/* Rejects a row: one report entry per field error, named by the column's
 * header as the file has it; the row and its reasons go to the rejects file. */
void import_reject(table_import *ti, const import_row *row, const jn_fields *fe);

#endif
