/*
 * fuzz_detect.c - libFuzzer harness of the detectors (scanner/detect/)
 * on arbitrary text: normalised as text.c does, one Hyperscan pass,
 * validation, masking; every finding must lie inside the text.
 */
#include <string.h>

#include "parsers/parsers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tl_detector *d;
    if (!d) {
        static const guint8 key[] = "fuzz-case-key-0123456789abcdef0123";
        char *err = NULL;
        d = tl_detector_new(key, sizeof key - 1, &err);
        g_free(err);
        if (!d)
            return 0;
        tl_detector_set_time(d, 1700000000);
    }
    char *valid = g_utf8_make_valid((const char *)data, (gssize)size);
    tl_text_part p = { .path = "1", .content_type = "text/plain" };
    tl_text_normalise(valid, strlen(valid), &p.text, &p.map, &p.len);
    p.quote_from = p.len;
    GString *masked = g_string_new(NULL);
    GPtrArray *found = tl_detect_part_masked(d, &p, masked);
    if (found) {
        for (guint i = 0; i < found->len; i++) {
            const tl_finding *f = found->pdata[i];
            if (f->off + f->len > p.len)
                __builtin_trap();
        }
        g_ptr_array_unref(found);
    }
    g_string_free(masked, TRUE);
    g_free(p.text);
    g_free(p.map);
    g_free(valid);
    return 0;
}
