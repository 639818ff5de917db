/*
 * cli_report.c - `typoleak report --db FILE`.
 */
#include <glib.h>
#include <stdio.h>

#include "cli.h"

int
cli_report(int argc, char **argv)
{
    char *db = NULL;
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "findings database", "FILE" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    GOptionContext *ctx = g_option_context_new("- summary of a findings database");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *err = NULL;
    int rc = EXIT_USAGE;
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        cli_error("%s", err->message);
        g_error_free(err);
    } else if (!db || argc != 1) {
        cli_error("usage: typoleak report --db FILE");
    } else {
        char *msg = NULL;
        tl_status_t st = tl_report_text(db, stdout, &msg);
        if (st != TL_OK) {
            cli_error("%s", msg ? msg : tl_status_str(st));
            g_free(msg);
            rc = EXIT_FAIL;
        } else
            rc = EXIT_OK;
    }
    g_free(db);
    g_option_context_free(ctx);
    return rc;
}
