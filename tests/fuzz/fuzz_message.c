/*
 * fuzz_message.c - libFuzzer harness of the single-message worker
 * (parsers/message.c): GMime parse to a record, recipients through the
 * typo engine, the text of the parts (text.c) through the detectors.
 */
#include <string.h>

#include "parsers/parsers.h"

static tl_worker *worker;
static tl_protect *protect;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!worker) {
        static const guint8 key[] = "fuzz-case-key-0123456789abcdef0123";
        tl_library_init();
        protect = tl_protect_new_default();
        worker = tl_worker_new(protect, 1);
        char *err = NULL;
        tl_detector *d = tl_detector_new(key, sizeof key - 1, &err);
        g_free(err);
        tl_worker_set_classifier(worker, TL_CLASSIFY_ALL, d);
        tl_worker_set_index_text(worker, TL_INDEX_ALL);
        tl_scan_options o;
        tl_scan_options_init(&o);
        o.max_text = 1 << 20;
        tl_worker_set_limits(worker, &o);
    }
    tl_job *j = tl_job_new(TL_JOB_MESSAGE);
    j->raw = g_byte_array_sized_new((guint)size);
    g_byte_array_append(j->raw, data, (guint)size);
    j->marker_offset = (uint64_t)-1;
    tl_worker_process(worker, j);
    if (!j->rec && j->status == TL_OK && size > 0)
        __builtin_trap();   /* a failure always says why */
    tl_job_free(j);
    return 0;
}
