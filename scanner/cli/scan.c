/*
 * scan.c - `typoleak scan PATH... --db FILE`.
 */
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "scanner/cli/cli.h"

/* Set by SIGINT and SIGTERM: the scan stops at the next job and keeps
 * what it wrote; the next run of the same command finishes it. */
static volatile int cancel;

static void
on_signal(int sig)
{
    (void)sig;
    cancel = 1;
}

static void
show_progress(const tl_scan_stats *s, void *data)
{
    (void)data;
    double mb = (double)s->bytes / 1e6;
    fprintf(stderr, "\r%" G_GUINT64_FORMAT " containers, %" G_GUINT64_FORMAT " messages, %.1f MB, "
            "%.0f msg/s, %.1f MB/s, %" G_GUINT64_FORMAT " typo hits, %" G_GUINT64_FORMAT " errors   ",
            s->containers, s->messages, mb, s->seconds > 0 ? (double)s->messages / s->seconds : 0.0,
            s->seconds > 0 ? mb / s->seconds : 0.0, s->typo_hits, s->errors);
}

/* A path of the command line that cannot be read: said at once. */
static void
on_path_error(const char *path, const char *reason, void *data)
{
    (void)data;
    fprintf(stderr, "%stypoleak: %s: %s (the other paths are scanned)\n", isatty(STDERR_FILENO) ? "\r" : "", path,
            reason);
}

/* What the command line said. */
typedef struct {
    char *db;
    cli_lists lists;
    int jobs, depth, quiet, queue, rescan;
    char *parse, *classify, *case_key, *index_text, *shard;
    gint64 max_message, max_nested, max_inflight;
    /* the limits against hostile evidence: -1 = the library's default, 0 = none */
    gint64 max_expand, max_ratio, max_entries, max_headers, max_header_bytes, max_mime_depth, max_parts, max_text;
    /* the limits of reading parts and attachments: -1 = the default */
    gint64 max_part_text, max_part_depth, max_pdf_pages, max_sheet_cells, max_xml_bytes, max_unpacked, max_xml_entities;
    double max_pdf_seconds;
} scan_args;

static void
scan_args_clear(scan_args *a)
{
    g_free(a->db);
    cli_lists_clear(&a->lists);
    g_free(a->parse);
    g_free(a->classify);
    g_free(a->case_key);
    g_free(a->index_text);
    g_free(a->shard);
}

/* GOption wants "-j 2"; accept the usual "-j2" too.  A new argv (g_strfreev). */
static char **
split_jobs_arg(int argc, char **argv)
{
    GPtrArray *args = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; i < argc; i++) {
        if (g_str_has_prefix(argv[i], "-j") && argv[i][2] && g_ascii_isdigit(argv[i][2])) {
            g_ptr_array_add(args, g_strdup("-j"));
            g_ptr_array_add(args, g_strdup(argv[i] + 2));
        } else
            g_ptr_array_add(args, g_strdup(argv[i]));
    }
    g_ptr_array_add(args, NULL);
    return (char **)g_ptr_array_free(args, FALSE);
}

/* --classify and --index-text into the options; 0, or -1 after saying why. */
static int
scan_modes(const scan_args *a, tl_scan_options *o)
{
    if (a->parse && g_strcmp0(a->parse, "full") != 0 && g_strcmp0(a->parse, "flagged") != 0) {
        cli_error("--parse takes flagged or full, not '%s'", a->parse);
        return -1;
    }
    o->full_parse = g_strcmp0(a->parse, "full") == 0;
    o->classify = TL_CLASSIFY_FLAGGED;
    if (g_strcmp0(a->classify, "all") == 0)
        o->classify = TL_CLASSIFY_ALL;
    else if (g_strcmp0(a->classify, "none") == 0)
        o->classify = TL_CLASSIFY_NONE;
    else if (a->classify && g_strcmp0(a->classify, "flagged") != 0) {
        cli_error("--classify takes flagged, all or none, not '%s'", a->classify);
        return -1;
    }
    o->index_text = TL_INDEX_FLAGGED;
    if (g_strcmp0(a->index_text, "all") == 0) {
        o->index_text = TL_INDEX_ALL;
        if (a->classify && o->classify != TL_CLASSIFY_ALL) {
            cli_error("--index-text all reads every message's text: it needs --classify all");
            return -1;
        }
        o->classify = TL_CLASSIFY_ALL;
    } else if (g_strcmp0(a->index_text, "none") == 0)
        o->index_text = TL_INDEX_NONE;
    else if (a->index_text && g_strcmp0(a->index_text, "flagged") != 0) {
        cli_error("--index-text takes flagged, all or none, not '%s'", a->index_text);
        return -1;
    }
    return 0;
}

/* Runs the scan with Ctrl-C and SIGTERM stopping it cleanly, and says
 * what it did; the exit status. */
static int
run_scan(tl_scan_options *o, const char *const *paths, int n, int quiet)
{
    char *msg = NULL;
    tl_scan_stats s;
    if (!quiet && isatty(STDERR_FILENO))
        o->progress = show_progress;
    o->cancel = &cancel;
    o->path_error = on_path_error;
    struct sigaction sa = { 0 }, old_int, old_term;
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    tl_status_t st = tl_scan(o, paths, n, &s, &msg);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (o->progress)
        fputc('\n', stderr);
    if (st == TL_INTERRUPTED) {
        fprintf(stderr, "typoleak: interrupted after %" G_GUINT64_FORMAT " messages; they are in %s. Run the same "
                        "command again to finish: files already read are skipped.\n", s.messages, o->db_path);
        g_free(msg);
        return 130;
    }
    if (st != TL_OK) {
        cli_error("scan failed: %s (%s)", msg ? msg : tl_status_str(st), tl_status_name(st));
        g_free(msg);
        return EXIT_FAIL;
    }
    if (!quiet)
        fprintf(stderr, "typoleak: %" G_GUINT64_FORMAT " containers, %" G_GUINT64_FORMAT " messages (%"
                G_GUINT64_FORMAT " new, %" G_GUINT64_FORMAT " duplicates), %" G_GUINT64_FORMAT
                " typo recipients, %" G_GUINT64_FORMAT " findings, %" G_GUINT64_FORMAT
                " error rows, %.1f MB in %.2f s -> %s\n",
                s.containers, s.messages, s.parsed, s.duplicates, s.typo_hits, s.findings, s.errors,
                (double)s.bytes / 1e6, s.seconds, o->db_path);
    if (!quiet && s.resumed)
        fprintf(stderr, "typoleak: resumed an interrupted run: %" G_GUINT64_FORMAT " unfinished sources were read "
                        "again\n", s.resumed);
    if (!quiet && s.unchanged)
        fprintf(stderr, "typoleak: %" G_GUINT64_FORMAT " files unchanged since an earlier run were skipped "
                        "(--rescan reads them again)\n", s.unchanged);
    if (s.path_errors) {
        fprintf(stderr, "typoleak: %" G_GUINT64_FORMAT " of the paths given could not be read (exit status 4)\n",
                s.path_errors);
        return EXIT_PATHS;
    }
    return EXIT_OK;
}

int
cli_scan(int argc, char **argv)
{
    scan_args a = { .depth = 8, .queue = 16, .max_message = 256 << 20, .max_nested = 1 << 30,
                    .max_inflight = 64 << 20, .max_expand = -1, .max_ratio = -1, .max_entries = -1,
                    .max_headers = -1, .max_header_bytes = -1, .max_mime_depth = -1, .max_parts = -1, .max_text = -1,
                    .max_part_text = -1, .max_part_depth = -1, .max_pdf_pages = -1, .max_sheet_cells = -1,
                    .max_xml_bytes = -1, .max_unpacked = -1, .max_xml_entities = -1, .max_pdf_seconds = -1 };
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &a.db, "findings database (created when absent)", "FILE" },
        { "jobs", 'j', 0, G_OPTION_ARG_INT, &a.jobs, "worker threads (default: the number of cores)", "N" },
        { "max-depth", 0, 0, G_OPTION_ARG_INT, &a.depth, "archive nesting limit (default 8)", "N" },
        { "max-message", 0, 0, G_OPTION_ARG_INT64, &a.max_message, "largest message in bytes (default 256 MiB)", "BYTES" },
        { "max-nested", 0, 0, G_OPTION_ARG_INT64, &a.max_nested, "largest nested archive read in memory (default 1 GiB)", "BYTES" },
        { "max-expand", 0, 0, G_OPTION_ARG_INT64, &a.max_expand,
          "bytes expanded out of one file's archives, all levels (default 64 GiB; 0: none)", "BYTES" },
        { "max-ratio", 0, 0, G_OPTION_ARG_INT64, &a.max_ratio,
          "expanded bytes per byte of the file, judged past 64 MiB (default 200; 0: none)", "N" },
        { "max-entries", 0, 0, G_OPTION_ARG_INT64, &a.max_entries, "members read per archive (default 1000000; 0: none)", "N" },
        { "max-headers", 0, 0, G_OPTION_ARG_INT64, &a.max_headers, "header fields per message (default 10000; 0: none)", "N" },
        { "max-header-bytes", 0, 0, G_OPTION_ARG_INT64, &a.max_header_bytes,
          "bytes of a message's header block (default 1 MiB; 0: none)", "BYTES" },
        { "max-mime-depth", 0, 0, G_OPTION_ARG_INT64, &a.max_mime_depth, "MIME nesting per message (default 64; 0: none)", "N" },
        { "max-parts", 0, 0, G_OPTION_ARG_INT64, &a.max_parts, "MIME parts per message (default 10000; 0: none)", "N" },
        { "max-text", 0, 0, G_OPTION_ARG_INT64, &a.max_text, "bytes of text read per message (default 32 MiB; 0: none)", "BYTES" },
        { "max-part-text", 0, 0, G_OPTION_ARG_INT64, &a.max_part_text,
          "bytes of text read per part or attachment (default 8 MiB; 0: none)", "BYTES" },
        { "max-part-depth", 0, 0, G_OPTION_ARG_INT64, &a.max_part_depth,
          "nesting read for text: MIME parts, attached messages, attachments in attachments (default 8; 1-100)", "N" },
        { "max-pdf-pages", 0, 0, G_OPTION_ARG_INT64, &a.max_pdf_pages, "pages read per PDF (default 1000; 0: none)", "N" },
        { "max-pdf-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &a.max_pdf_seconds,
          "seconds spent per PDF, checked between pages (default 20; 0: none)", "S" },
        { "max-sheet-cells", 0, 0, G_OPTION_ARG_INT64, &a.max_sheet_cells,
          "cells read per sheet or table of an attachment (default 200000; 0: none)", "N" },
        { "max-xml-bytes", 0, 0, G_OPTION_ARG_INT64, &a.max_xml_bytes,
          "uncompressed bytes of one XML part of an Office or OpenDocument file (default 32 MiB; 0: none)", "BYTES" },
        { "max-unpacked", 0, 0, G_OPTION_ARG_INT64, &a.max_unpacked,
          "uncompressed bytes of all members of one attached Office file or archive (default 128 MiB; 0: none)",
          "BYTES" },
        { "max-xml-entities", 0, 0, G_OPTION_ARG_INT64, &a.max_xml_entities,
          "entity declarations allowed in one XML part; a part declaring more is not read, entities are never "
          "expanded (default 0)", "N" },
        { "max-inflight", 0, 0, G_OPTION_ARG_INT64, &a.max_inflight, "message bytes in flight between the stages (default 64 MiB)", "BYTES" },
        { "queue-depth", 0, 0, G_OPTION_ARG_INT, &a.queue, "messages in flight per worker (default 16)", "N" },
        { "parse", 0, 0, G_OPTION_ARG_STRING, &a.parse,
          "MIME trees to parse: flagged (messages with a typo recipient; default) or full (every message)", "WHAT" },
        { "classify", 0, 0, G_OPTION_ARG_STRING, &a.classify,
          "messages whose content is classified: flagged (with a typo recipient; default), all, none", "WHICH" },
        { "index-text", 0, 0, G_OPTION_ARG_STRING, &a.index_text,
          "whose classified text, values masked, goes to the full-text index: flagged (default), all (implies "
          "--classify all), none", "WHICH" },
        { "case-key", 0, 0, G_OPTION_ARG_FILENAME, &a.case_key,
          "key of the keyed value hashes (default DB.casekey, created mode 0600 when absent)", "FILE" },
        { "rescan", 0, 0, G_OPTION_ARG_NONE, &a.rescan,
          "read again the files an earlier run read to the end (default: skip them when unchanged)", NULL },
        { "shard", 0, 0, G_OPTION_ARG_FILENAME, &a.shard,
          "a shard file of `typoleak plan`: scan what it owns of the plan's paths (give no PATH)", "FILE" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &a.quiet, "no progress line", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    GOptionContext *ctx = g_option_context_new("PATH... - scan mail archives for misdirected mail");
    g_option_context_add_main_entries(ctx, entries, NULL);
    cli_lists_add(ctx, &a.lists);
    GError *err = NULL;
    char *argv_text = g_strjoinv(" ", argv);
    int rc = EXIT_USAGE;
    tl_protect *p = NULL;
    tl_scan_options o;
    tl_scan_options_init(&o);

    char **av = split_jobs_arg(argc, argv);
    char **av_orig = g_memdup2(av, sizeof(char *) * (g_strv_length(av) + 1));
    argc = (int)g_strv_length(av);
    argv = av;
    if (!cli_parse(ctx, &argc, &argv, &err)) {
        cli_error("%s", err->message);
        g_error_free(err);
        goto out;
    }
    if (!a.db || (argc < 2 && !a.shard) || a.jobs < 0 || a.depth < 0 || a.queue < 1 || a.max_inflight < 1 || a.max_message < 1 ||
        a.max_nested < 1) {
        cli_error("usage: typoleak scan PATH... --db FILE [-j N] [--protect DOMAIN] ... (see --help)");
        goto out;
    }
    if (a.max_part_depth == 0 || a.max_part_depth > TL_MAX_PART_DEPTH) {
        cli_error("--max-part-depth takes 1 to %d, not %" G_GINT64_FORMAT, TL_MAX_PART_DEPTH, a.max_part_depth);
        goto out;
    }
    if (scan_modes(&a, &o) != 0 || !(p = cli_lists_build(&a.lists)))
        goto out;
    o.db_path = a.db;
    if (a.jobs > 0)
        o.jobs = a.jobs;
    o.max_depth = a.depth;
    o.max_message = (uint64_t)a.max_message;
    o.max_nested = (uint64_t)a.max_nested;
    const struct { gint64 v; uint64_t *to; } lim[] = {
        { a.max_expand, &o.max_expand }, { a.max_ratio, &o.max_ratio }, { a.max_entries, &o.max_entries },
        { a.max_headers, &o.max_headers }, { a.max_header_bytes, &o.max_header_bytes },
        { a.max_mime_depth, &o.max_mime_depth }, { a.max_parts, &o.max_parts }, { a.max_text, &o.max_text },
        { a.max_part_text, &o.max_part_text }, { a.max_part_depth, &o.max_part_depth },
        { a.max_pdf_pages, &o.max_pdf_pages }, { a.max_sheet_cells, &o.max_sheet_cells },
        { a.max_xml_bytes, &o.max_xml_bytes }, { a.max_unpacked, &o.max_unpacked },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(lim); i++)
        if (lim[i].v >= 0)
            *lim[i].to = (uint64_t)lim[i].v;
    if (a.max_pdf_seconds >= 0)
        o.max_pdf_seconds = a.max_pdf_seconds;
    if (a.max_xml_entities >= 0)
        o.max_xml_entities = (int)MIN(a.max_xml_entities, (gint64)G_MAXINT);
    o.queue_depth = a.queue;
    o.max_inflight = (uint64_t)a.max_inflight;
    o.case_key_path = a.case_key;
    o.protect = p;
    o.argv_text = argv_text;
    o.rescan = a.rescan;
    o.shard_path = a.shard;
    rc = run_scan(&o, (const char *const *)argv + 1, argc - 1, a.quiet);
out:
    tl_protect_free(p);
    g_free(argv_text);
    scan_args_clear(&a);
    g_strfreev(av_orig);
    g_free(av);
    g_option_context_free(ctx);
    return rc;
}
