/*
 * export.c - `typoleak export --db FILE --format jsonl|csv`: messages,
 * typo hits and findings for SIEMs and spreadsheets.
 */
#include <glib.h>
#include <stdio.h>

#include "scanner/cli/cli.h"

int
cli_export(int argc, char **argv)
{
    char *db = NULL, *format = NULL, *tables = NULL, *output = NULL;
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "findings database", "FILE" },
        { "format", 0, 0, G_OPTION_ARG_STRING, &format, "jsonl (default) or csv", "FORMAT" },
        { "table", 0, 0, G_OPTION_ARG_STRING, &tables, "messages, typo_hits, findings (comma-separated; default: all)",
          "LIST" },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
          "folder for one file per table (default: standard output)", "DIR" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    GOptionContext *ctx = g_option_context_new("- export messages, typo hits and findings");
    g_option_context_set_description(ctx, "JSON Lines: one object per row with a \"table\" member. CSV: one file "
                                           "per table in --output, or one table on standard output.");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *err = NULL;
    int rc = EXIT_USAGE;
    char **names = NULL;
    if (!cli_parse(ctx, &argc, &argv, &err)) {
        cli_error("%s", err->message);
        g_error_free(err);
        goto done;
    }
    int csv = format && g_strcmp0(format, "csv") == 0;
    if (format && !csv && g_strcmp0(format, "jsonl") != 0) {
        cli_error("unknown --format '%s': export writes jsonl or csv", format);
        goto done;
    }
    if (!db || argc != 1) {
        cli_error("usage: typoleak export --db FILE [--format jsonl|csv] [--table LIST] [--output DIR]");
        goto done;
    }
    if (tables) {
        names = g_strsplit(tables, ",", -1);
        for (char **n = names; *n; n++)
            if (!tl_export_table_known(g_strstrip(*n))) {
                cli_error("unknown table '%s' (messages, typo_hits, findings)", *n);
                goto done;
            }
    }
    if (csv && !output && (!names || g_strv_length(names) != 1)) {
        cli_error("CSV of several tables needs --output DIR (one file per table), or one --table");
        goto done;
    }
    char *msg = NULL;
    cli_out o = { 0 };
    if (output && cli_out_open(&o, output, 1) != 0) {
        rc = EXIT_FAIL;
        goto done;
    }
    tl_status_t st = tl_export(db, csv, (const char *const *)names, output ? o.tmp : NULL, stdout, &msg);
    if (output && cli_out_close(&o, st == TL_OK) != 0 && st == TL_OK) {
        g_free(msg);
        rc = EXIT_FAIL;
        goto done;
    }
    rc = cli_status(st, msg);
done:
    g_strfreev(names);
    g_free(db), g_free(format), g_free(tables), g_free(output);
    g_option_context_free(ctx);
    return rc;
}
