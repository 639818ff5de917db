/*
 * show.c - `typoleak show --db FILE MESSAGE`.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "scanner/cli/cli.h"

static int
show(const char *db, char **args)
{
    char *msg = NULL;
    tl_status_t st = tl_show(db, args[0], stdout, &msg);
    return cli_status(st, msg);
}

int
cli_show(int argc, char **argv)
{
    char *db = NULL, *format = NULL;
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "findings database", "FILE" },
        { "format", 0, 0, G_OPTION_ARG_STRING, &format, "text (default) or json", "FORMAT" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    GOptionContext *ctx = g_option_context_new("MESSAGE - one message's record (number, SHA-256 prefix or Message-ID)");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *err = NULL;
    int rc = EXIT_USAGE;
    if (!cli_parse(ctx, &argc, &argv, &err)) {
        cli_error("%s", err->message);
        g_error_free(err);
    } else if (!db || argc != 2 || (format && strcmp(format, "text") != 0 && strcmp(format, "json") != 0))
        cli_error("usage: typoleak show --db FILE [--format text|json] MESSAGE");
    else if (format && strcmp(format, "json") == 0) {
        char *msg = NULL;
        rc = cli_status(tl_show_json(db, argv[1], stdout, &msg), msg);
    } else
        rc = show(db, argv + 1);
    g_free(db);
    g_free(format);
    g_option_context_free(ctx);
    return rc;
}
