/*
 * extract.c - `typoleak extract --db FILE MESSAGE [PART] -o FILE`: a
 * message's raw bytes (no PART: tl_extract, from a file on disk or from
 * inside archives, nested), or one attachment's bytes (PART), re-read
 * from the evidence at the message's recorded place and checked against
 * the digest the scan recorded, written to a file a reviewer can open in
 * a viewer (docs/cli/extract.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

#include "scanner/cli/cli.h"

/* The bytes [offset, offset + length) of path, or NULL. */
static uint8_t *
read_range(const char *path, int64_t offset, int64_t length)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    uint8_t *buf = g_malloc((gsize)length + 1);
    int64_t got = 0;
    while (got < length) {
        ssize_t r = pread(fd, buf + got, (size_t)(length - got), offset + got);
        if (r <= 0)
            break;
        got += r;
    }
    close(fd);
    if (got != length) {
        g_free(buf);
        return NULL;
    }
    return buf;
}

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
    if (argc == 2) {        /* the whole message (issue 14) */
        char *why = NULL;
        tl_status_t whole = tl_extract_message(db, argv[1], NULL, out, stderr, &why);
        rc = whole == TL_OK ? EXIT_OK : cli_status(whole == TL_ERR_USAGE ? TL_ERR_USAGE : TL_ERR_DB, why);
        goto done;
    }
    tl_attachment_place p;
    char *msg = NULL;
    tl_status_t st = tl_attachment_place_find(db, argv[1], argv[2], &p, &msg);
    if (st != TL_OK) {
        rc = cli_status(st, msg);
        goto done;
    }
    uint8_t *raw = read_range(p.path, p.offset, p.length);
    if (!raw) {
        cli_error("%s: cannot read %lld bytes at offset %lld: %s", p.path, (long long)p.length, (long long)p.offset,
                  g_strerror(errno));
        rc = EXIT_FAIL;
        tl_attachment_place_clear(&p);
        goto done;
    }
    uint8_t *data = NULL;
    size_t n = 0;
    st = tl_attachment_bytes(raw, (size_t)p.length, argv[2], p.sha256, &data, &n, &msg);
    g_free(raw);
    tl_attachment_place_clear(&p);
    if (st != TL_OK) {
        rc = cli_status(st, msg);
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
