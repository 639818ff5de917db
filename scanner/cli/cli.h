/*
 * cli.h - what the command files of the typoleak tool share.  The tool is
 * a table of thin commands (cli_main.c); each command parses its options,
 * calls the library through typoleak.h, and prints.
 */
#ifndef TL_CLI_H
#define TL_CLI_H

#include <glib.h>
#include <string.h>

#include "scanner/typoleak.h"

/* Exit codes (docs/errors.md). */
enum {
    EXIT_OK = 0,        /* done; items that could not be read are error rows */
    EXIT_FAIL = 1,      /* the run failed (database, memory) */
    EXIT_USAGE = 2,     /* bad command line */
    EXIT_CHANGED = 3,   /* verify: evidence changed, disappeared or unreadable */
    EXIT_PATHS = 4,     /* scan: done, but a path of the command line could not be read */
    EXIT_LOST = 5       /* audit: something the scans met is not accounted for */
};

int cli_scan(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_audit(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_show(int argc, char **argv);
int cli_extract(int argc, char **argv);
int cli_merge(int argc, char **argv);
int cli_plan(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_variants(int argc, char **argv);
int cli_extract(int argc, char **argv);

/* --protect, --protect-file, --allow, --allow-file (cli_lists.c). */
typedef struct {
    char **protect, **allow;
    char *protect_file, *allow_file;
    GOptionEntry entries[5];
} cli_lists;
void cli_lists_add(GOptionContext *ctx, cli_lists *l);
/* The default lists plus the options; NULL (after a message) on a bad one. */
tl_protect *cli_lists_build(const cli_lists *l);
void cli_lists_clear(cli_lists *l);

/* Parses the options of a command that takes --db FILE and nargs (0 or 1)
 * arguments, and runs run(db, args); what: the one-line summary for
 * --help (cli_report.c). */
int cli_db_command(int argc, char **argv, const char *what, const char *description, int nargs,
                   int (*run)(const char *db, char **args));
/* The exit code of a library status, after printing msg (freed) when it
 * failed: TL_ERR_USAGE 2, other failures 1. */
int cli_status(tl_status_t st, char *msg);

/* Outputs that never destroy (docs/cli/report.md, "Outputs"): a file is
 * written under a temporary name beside it and renamed over it when
 * complete; a folder's files are written into a temporary folder beside
 * it and moved in when all are complete.  On failure nothing of what was
 * there changes and the temporary is removed. */
typedef struct {
    char *path, *tmp;
    FILE *f;
    int dir;
} cli_out;
/* Opens a file output (f) or a folder output (tmp, a folder); -1 after a
 * message. */
int cli_out_open(cli_out *o, const char *path, int dir);
/* Completes (ok) or abandons the output; -1 after a message when
 * completing failed. */
int cli_out_close(cli_out *o, int ok);

/* g_option_context_parse, with --help (-h, -?) printing the help with a
 * usage line that names the tool (`Usage: typoleak scan [OPTION...]
 * PATH...`) and exiting 0 (main.c). */
gboolean cli_parse(GOptionContext *ctx, int *argc, char ***argv, GError **err);

/* Prints "typoleak: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
