/*
 * extract.c - `typoleak extract --db FILE MESSAGE [PART] -o FILE`: a
 * message's raw bytes, or one attachment's bytes (PART), re-read from the
 * evidence wherever the scan found the message (a file on disk or inside
 * archives, nested) and checked against the digests the scan recorded, written to a file a reviewer can open in
 * a viewer (docs/cli/extract.md).
 */
#include <glib.h>
#include <stdio.h>

#include "scanner/cli/cli.h"

int
cli_extract(int argc, char **argv)
{
    char *db = NULL, *out = NULL;
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "the findings database", "FILE" },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "where to write the attachment", "FILE" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    GOptionContext *ctx = g_option_context_new("MESSAGE [PART] - a message's raw bytes, or one attachment's, from the"
                                               " evidence");
    g_option_context_set_description(ctx, "MESSAGE: its number, a SHA-256 prefix or its Message-ID; PART: a MIME part "
                                          "path. The bytes are checked against the SHA-256 the scan recorded. -o - "
                                          "writes a message to standard output.");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *err = NULL;
    int rc = EXIT_USAGE;
    if (!cli_parse(ctx, &argc, &argv, &err)) {
        cli_error("%s", err->message);
        g_clear_error(&err);
        goto done;
    }
    if (!db || !out || argc < 2 || argc > 3) {
        cli_error("usage: typoleak extract --db FILE MESSAGE [PART] -o FILE");
        goto done;
    }
    char *why = NULL;
    if (argc == 2) {        /* the whole message */
        tl_status_t whole = tl_extract_message(db, argv[1], out, stderr, &why);
        rc = whole == TL_OK ? EXIT_OK : cli_status(whole == TL_ERR_USAGE ? TL_ERR_USAGE : TL_ERR_DB, why);
        goto done;
    }
    /* one attachment: the message's bytes, re-read and checked wherever the
     * scan found them, then the part taken out of them and checked too */
    char sha[65];
    GByteArray *raw = NULL;
    uint8_t *data = NULL;
    size_t n = 0;
    tl_status_t st = tl_attachment_recorded(db, argv[1], argv[2], sha, &why);
    if (st == TL_OK)
        st = tl_message_bytes(db, argv[1], &raw, NULL, &why);
    if (st == TL_OK)
        st = tl_attachment_bytes(raw->data, raw->len, argv[2], sha, &data, &n, &why);
    if (raw)
        g_byte_array_free(raw, TRUE);
    if (st != TL_OK) {
        rc = cli_status(st == TL_ERR_USAGE || st == TL_ERR_DB ? st : TL_ERR_DB, why);
        goto done;
    }
    if (!g_file_set_contents(out, (const char *)data, (gssize)n, &err)) {
        cli_error("%s", err->message);
        g_clear_error(&err);
        rc = EXIT_FAIL;
    } else {
        rc = EXIT_OK;
    }
    g_free(data);
done:
    g_option_context_free(ctx);
    g_free(db);
    g_free(out);
    return rc;
}
