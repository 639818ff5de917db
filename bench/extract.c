/*
 * extract.c - extraction rate per format: each file named on the command
 * line is extracted again and again for about a second (at least 3 times)
 * on one core, and one line per file gives its type, status, size, the
 * wall and CPU time per extraction and the rate in MB/s of input (and of
 * text made) per CPU second, which a machine shared with other work does
 * not skew as it skews wall time.
 * `make bench-extract` runs it on tests/fixtures/attach; pass bigger files
 * (BENCH_FILES=...) for rates that per-call costs do not dominate.
 * Files are extracted as the scan asks for them (parsers/text.c: no image
 * sizes for a PDF with text, no tables of text, CSV, PDF and RTF files,
 * which text.c finds in the normalised text); BENCH_EXTRACT_ALL=1 asks
 * for everything, as tl_extract's defaults do.
 */
#include <stdio.h>
#include <time.h>

#include "parsers/extract/extract.h"

int
main(int argc, char **argv)
{
    tl_extract_limits lim;
    tl_extract_limits_init(&lim);
    if (!g_getenv("BENCH_EXTRACT_ALL")) {
        lim.pdf_image_sizes = 0;
        lim.find_tables = 0;
    }
    printf("%-22s %-6s %-14s %10s %9s %9s %9s %9s\n", "file", "type", "status", "bytes", "ms wall", "ms cpu", "MB/s in",
           "MB/s out");
    for (int a = 1; a < argc; a++) {
        char *data = NULL;
        gsize len = 0;
        if (!g_file_get_contents(argv[a], &data, &len, NULL)) {
            fprintf(stderr, "cannot read %s\n", argv[a]);
            continue;
        }
        struct timespec c0, c1;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
        gint64 t0 = g_get_monotonic_time(), el = 0;
        int reps = 0;
        size_t text = 0;
        tl_extract_status st = TL_EX_TEXT;
        tl_filetype type = TL_FT_UNKNOWN;
        do {
            tl_extract_result *r = tl_extract((const guint8 *)data, len, NULL, argv[a], 0, &lim);
            st = r->status;
            type = r->type;
            text = r->text->len;
            tl_extract_result_free(r);
            reps++;
            el = g_get_monotonic_time() - t0;
        } while (el < 1000000 || reps < 3);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
        double secs = (double)el / 1e6 / reps;
        double cpu = ((double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9) / reps;
        char *base = g_path_get_basename(argv[a]);
        printf("%-22s %-6s %-14s %10zu %9.2f %9.2f %9.1f %9.1f\n", base, tl_filetype_name(type),
               tl_extract_status_name(st), (size_t)len, secs * 1000, cpu * 1000, (double)len / cpu / 1e6,
               (double)text / cpu / 1e6);
        g_free(base);
        g_free(data);
    }
    return 0;
}
