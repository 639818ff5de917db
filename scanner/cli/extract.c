/*
 * extract.c - `typoleak extract --db FILE MESSAGE [PART] -o FILE`: a
 * message's raw bytes from wherever the scan found them, checked against
 * the recorded SHA-256 (docs/cli/extract.md).  PART (a MIME part path) is
 * the attachments' form; without it, the whole message.
 */
#include <glib.h>
#include <stdio.h>

#include "scanner/cli/cli.h"

int
cli_extract(int argc, char **argv)
{
    char *db = NULL, *output = NULL;
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "findings database", "FILE" },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "where to write the bytes (- : standard output)", "FILE" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    GOptionContext *ctx = g_option_context_new("MESSAGE [PART] - a message's raw bytes, re-read from the evidence");
    g_option_context_set_description(ctx, "MESSAGE: its number, a SHA-256 prefix or its Message-ID. The bytes are "
                                          "checked against the SHA-256 the scan recorded. Exit status: 0 written, "
                                          "1 no copy could be read or none matches, 2 usage.");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *err = NULL;
    int rc = EXIT_USAGE;
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        cli_error("%s", err->message);
        g_error_free(err);
    } else if (!db || !output || argc < 2 || argc > 3)
        cli_error("usage: typoleak extract --db FILE MESSAGE [PART] -o FILE");
    else {
        char *msg = NULL;
        tl_status_t st = tl_extract(db, argv[1], argc > 2 ? argv[2] : NULL, output, stderr, &msg);
        rc = st == TL_OK ? EXIT_OK : cli_status(st == TL_ERR_USAGE ? TL_ERR_USAGE : TL_ERR_DB, msg);
        if (st == TL_OK)
            g_free(msg);
    }
    g_free(db);
    g_free(output);
    g_option_context_free(ctx);
    return rc;
}
