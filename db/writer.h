/*
 * writer.h - the database writer (writer.c): the only owner of the scan's
 * SQLite connection; it writes the jobs in sequence, in batched
 * transactions, and closes the run with its context and views.
 */
#ifndef TL_WRITER_H
#define TL_WRITER_H

#include "scanner/job.h"
#include "db/schema.h"

typedef struct tl_writer tl_writer;

/* Opens (creating or upgrading) the database and starts a run row. */
tl_writer *tl_writer_open(const tl_scan_options *o, const tl_protect *protect,
                          tl_status_t *st, char **errmsg);
/* Writes one job (in sequence order) and frees it. */
tl_status_t tl_writer_put(tl_writer *w, tl_job *job);
/* Commits, closes the run row with the status, closes the database. */
tl_status_t tl_writer_close(tl_writer *w, const char *status, char **errmsg);
/* The message of the last failure. */
const char *tl_writer_errmsg(const tl_writer *w);
void tl_writer_stats(const tl_writer *w, tl_scan_stats *s);
/* The files earlier runs read to the end: path -> tl_done_file (job.h). */
GHashTable *tl_writer_done_files(tl_writer *w);
/* Records in the run's settings which case key its keyed hashes are under
 * (case_key_id: a keyed hash of a fixed text, never the key), so that
 * merge can refuse to mix hashes under different keys. */
tl_status_t tl_writer_set_case_key_id(tl_writer *w, const char *id);
/* Records the run's custody: the tool's build id, the digest of the
 * detector rules and of the Public Suffix List file (issue 14). */
tl_status_t tl_writer_set_custody(tl_writer *w, const char *build, const char *rules_hash, const char *psl_hash);

#endif /* TL_WRITER_H */
