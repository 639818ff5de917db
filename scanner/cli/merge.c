/*
 * merge.c - `typoleak merge OUT.db IN.db...`.
 */
#include <glib.h>
#include <stdio.h>

#include "scanner/cli/cli.h"

int
cli_merge(int argc, char **argv)
{
    GOptionContext *ctx = g_option_context_new("OUT.db IN.db... - combine databases without counting twice");
    g_option_context_set_description(ctx, "OUT.db is created when absent. The inputs are opened read-only; they "
                                           "must have been classified with the same --case-key.");
    GError *err = NULL;
    int rc = EXIT_USAGE;
    char *argv_text = g_strjoinv(" ", argv);
    if (!cli_parse(ctx, &argc, &argv, &err)) {
        cli_error("%s", err->message);
        g_error_free(err);
    } else if (argc < 3) {
        cli_error("usage: typoleak merge OUT.db IN.db...");
    } else {
        char *msg = NULL;
        tl_status_t st = tl_merge(argv[1], (const char *const *)argv + 2, argc - 2, argv_text, stderr, &msg);
        rc = cli_status(st, msg);
    }
    g_free(argv_text);
    g_option_context_free(ctx);
    return rc;
}
