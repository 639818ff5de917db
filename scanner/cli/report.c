/*
 * report.c - `typoleak report --db FILE`, and the option parsing of
 * the commands that take nothing but a database.
 */
#include <glib.h>
#include <errno.h>
#include <stdio.h>

#include "scanner/cli/cli.h"

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
    if (!cli_parse(ctx, &argc, &argv, &err)) {
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

int
cli_report(int argc, char **argv)
{
    char *db = NULL, *format = NULL, *output = NULL;
    char *since = NULL, *until = NULL, *bucket = NULL, *exposure = NULL, *intended = NULL, *min_score = NULL;
    gint64 run_no = 0;
    GOptionEntry entries[] = {
        { "since", 0, 0, G_OPTION_ARG_STRING, &since, "messages dated on or after this day", "YYYY-MM-DD" },
        { "until", 0, 0, G_OPTION_ARG_STRING, &until, "messages dated on or before this day", "YYYY-MM-DD" },
        { "bucket", 0, 0, G_OPTION_ARG_STRING, &bucket, "periods of the per-period sections (default month)",
          "week|month|quarter|year" },
        { "run", 0, 0, G_OPTION_ARG_INT64, &run_no, "messages a copy of which this run recorded", "N" },
        { "exposure", 0, 0, G_OPTION_ARG_STRING, &exposure, "typo hits of this exposure only",
          "open|closed|nonexistent-tld" },
        { "intended", 0, 0, G_OPTION_ARG_STRING, &intended, "typo hits of this intended (protected) domain only",
          "DOMAIN" },
        { "min-score", 0, 0, G_OPTION_ARG_STRING, &min_score, "typo hits scoring at least this (0..1)", "SCORE" },
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "findings database", "FILE" },
        { "format", 0, 0, G_OPTION_ARG_STRING, &format, "text (default), json, csv or html", "FORMAT" },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
          "where to write: a file (json, html; default standard output), a folder (csv)", "PATH" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    GOptionContext *ctx = g_option_context_new("- summary of a findings database");
    g_option_context_set_description(ctx, "The sections and columns of every format: docs/report.md.");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *err = NULL;
    int rc = EXIT_USAGE;
    const char *f = NULL;
    if (!cli_parse(ctx, &argc, &argv, &err)) {
        cli_error("%s", err->message);
        g_error_free(err);
    } else if (!g_strv_contains((const char *const[]){ "text", "json", "csv", "html", NULL },
                                (f = format ? format : "text"))) {
        cli_error("unknown --format '%s': report writes text, json, csv or html", format);
    } else if (!db || argc != 1) {
        cli_error("usage: typoleak report --db FILE [--format text|json|csv|html] [--output PATH] [--since DAY]"
                  " [--until DAY] [--bucket week|month|quarter|year] [--run N] [--exposure E] [--intended DOMAIN]"
                  " [--min-score S]");
    } else if (strcmp(f, "csv") == 0 && !output) {
        cli_error("the CSV report is one file per section: give --output DIR");
    } else {
        tl_report_options o;
        tl_report_options_init(&o);
        o.since = since, o.until = until, o.exposure = exposure, o.intended = intended, o.run = run_no;
        if (bucket)
            o.bucket = bucket;
        char *end = NULL, *why = NULL;
        if (min_score) {
            o.min_score = g_ascii_strtod(min_score, &end);
            if (!end || *end || end == min_score || o.min_score < 0) {
                cli_error("--min-score %s: give a number from 0 to 1", min_score);
                goto done;
            }
        }
        if (run_no < 0) {
            cli_error("--run: give a run number (the report's runs section lists them)");
            goto done;
        }
        if (tl_report_options_check(&o, &why) != TL_OK) {
            cli_error("%s", why);
            g_free(why);
            goto done;
        }
        char *msg = NULL;
        tl_status_t st;
        FILE *out = stdout;
        cli_out co = { 0 };
        if (output && cli_out_open(&co, output, strcmp(f, "csv") == 0) != 0) {
            rc = EXIT_FAIL;
            goto done;
        }
        if (co.f)
            out = co.f;
        if (strcmp(f, "json") == 0)
            st = tl_report_json_opts(db, &o, out, &msg);
        else if (strcmp(f, "csv") == 0)
            st = tl_report_csv_opts(db, &o, co.tmp, &msg);
        else if (strcmp(f, "html") == 0)
            st = tl_report_html_opts(db, &o, out, &msg);
        else
            st = tl_report_text_opts(db, &o, out, &msg);
        if (output && cli_out_close(&co, st == TL_OK) != 0 && st == TL_OK) {
            g_free(msg);
            rc = EXIT_FAIL;
            goto done;
        }
        rc = cli_status(st, msg);
    }
done:
    g_free(db), g_free(format), g_free(output);
    g_free(since), g_free(until), g_free(bucket), g_free(exposure), g_free(intended), g_free(min_score);
    g_option_context_free(ctx);
    return rc;
}
