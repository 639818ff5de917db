/*
 * classify.c - the classifier's throughput on one core: parses every
 * message of an mbox with GMime (its mbox mode: the generated corpus is
 * clean), extracts the text of every part, and runs the detectors over it,
 * timing extraction and detection apart.  Prints MB of text per second,
 * by the thread's CPU time (on a machine shared with other work the wall
 * clock measures the neighbours).
 *
 *   classify CORPUS.mbox
 */
#include <gmime/gmime.h>
#include <stdio.h>
#include <time.h>

#include "parsers/parsers.h"

/* This thread's CPU time, in microseconds. */
static gint64
cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (gint64)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: classify CORPUS.mbox\n");
        return 2;
    }
    tl_library_init();
    GMimeStream *s = g_mime_stream_file_open(argv[1], "r", NULL);
    if (!s) {
        perror(argv[1]);
        return 1;
    }
    GMimeParser *p = g_mime_parser_new_with_stream(s);
    g_mime_parser_set_format(p, GMIME_FORMAT_MBOX);
    static const guint8 key[32] = { 1 };
    char *err = NULL;
    tl_detector *d = tl_detector_new(key, sizeof key, &err);
    gint64 tc = g_get_monotonic_time();
    if (d && !tl_detect_ready(&err))
        g_clear_pointer(&d, tl_detector_free);
    tc = g_get_monotonic_time() - tc;
    if (!d) {
        fprintf(stderr, "detector: %s\n", err);
        return 1;
    }
    tl_text_limits lim;
    tl_text_limits_init(&lim);
    guint64 messages = 0, parts = 0, text = 0, findings = 0;
    gint64 t_extract = 0, t_detect = 0;
    while (!g_mime_parser_eos(p)) {
        GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
        if (!m)
            break;
        messages++;
        GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
        gint64 t0 = cpu_us();
        GPtrArray *att = g_ptr_array_new_with_free_func(tl_attachment_free);
        GPtrArray *tp = tl_text_extract_all(m, &lim, notes, att);
        gint64 t1 = cpu_us();
        for (guint i = 0; i < tp->len; i++) {
            const tl_text_part *part = tp->pdata[i];
            GPtrArray *f = tl_detect_part(d, part);
            text += part->len;
            findings += f->len;
            g_ptr_array_unref(f);
        }
        /* what the attachments are (identity documents, photos) */
        GPtrArray *fa = g_ptr_array_new_with_free_func(tl_finding_free);
        tl_detect_attachments(d, g_mime_message_get_subject(m), tp, att, fa);
        findings += fa->len;
        g_ptr_array_unref(fa);
        gint64 t2 = cpu_us();
        t_extract += t1 - t0;
        t_detect += t2 - t1;
        parts += tp->len;
        g_ptr_array_unref(tp);
        g_ptr_array_unref(att);
        g_ptr_array_unref(notes);
        g_object_unref(m);
    }
    double mb = (double)text / 1e6;
    printf("messages %" G_GUINT64_FORMAT ", text parts %" G_GUINT64_FORMAT ", text %.1f MB, findings %" G_GUINT64_FORMAT "\n",
           messages, parts, mb, findings);
    printf("pattern database ready in %.3f s (%s)\n", tc / 1e6, tl_detect_origin());
    printf("CPU time: extraction %.2f s (%.1f MB/s of text), detection %.2f s (%.1f MB/s of text), both %.1f MB/s\n",
           t_extract / 1e6, mb / (t_extract / 1e6), t_detect / 1e6, mb / (t_detect / 1e6),
           mb / ((t_extract + t_detect) / 1e6));
    tl_detect_stats st;
    tl_detector_stats(d, &st);
    printf("second pass (keywords of common words) over %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
           " text parts, %.1f %% of the text; third (date and passport shapes) over %" G_GUINT64_FORMAT
           ", %.1f %%\n",
           st.word_parts, st.parts, st.bytes ? 100.0 * (double)st.word_bytes / (double)st.bytes : 0.0,
           st.shape_parts, st.bytes ? 100.0 * (double)st.shape_bytes / (double)st.bytes : 0.0);
    tl_detector_free(d);
    g_object_unref(p);
    g_object_unref(s);
    return 0;
}
