/*
 * cli_report.c - `typoleak report --db FILE`, and the option parsing of
 * the commands that take nothing but a database.
 */
#include <glib.h>
#include <stdio.h>

#include "cli.h"

int
cli_status(tl_status_t st, char *msg)
{
    if (st == TL_OK)
        return EXIT_OK;
    cli_error("%s", msg ? msg : tl_status_str(st));
    g_free(msg);
    return st == TL_ERR_USAGE ? EXIT_USAGE : EXIT_FAIL;
}

int
cli_db_command(int argc, char **argv, const char *what, const char *description, int nargs,
               int (*run)(const char *db, char **args))
{
    char *db = NULL;
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "findings database", "FILE" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    char *param = g_strdup_printf("%s- %s", nargs ? "MESSAGE " : "", what);
    GOptionContext *ctx = g_option_context_new(param);
    if (description)
        g_option_context_set_description(ctx, description);
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *err = NULL;
    int rc = EXIT_USAGE;
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        cli_error("%s", err->message);
        g_error_free(err);
    } else if (!db || argc != 1 + nargs)
        cli_error("usage: typoleak %s --db FILE%s", argv[0], nargs ? " MESSAGE" : "");
    else
        rc = run(db, argv + 1);
    g_free(db);
    g_free(param);
    g_option_context_free(ctx);
    return rc;
}

static int
report(const char *db, char **args)
{
    (void)args;
    char *msg = NULL;
    tl_status_t st = tl_report_text(db, stdout, &msg);
    return cli_status(st == TL_ERR_USAGE ? TL_ERR_DB : st, msg);
}

int
cli_report(int argc, char **argv)
{
    return cli_db_command(argc, argv, "summary of a findings database", NULL, 0, report);
}
