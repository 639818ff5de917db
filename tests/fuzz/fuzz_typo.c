/*
 * fuzz_typo.c - libFuzzer harness of the typo engine (scanner/typo/) on
 * arbitrary strings: any bytes as a domain, its verdict and explanation.
 */
#include <string.h>

#include "scanner/typoleak.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tl_protect *p;
    if (!p)
        p = tl_protect_new_default();
    char buf[1024];
    size_t n = size < sizeof buf - 1 ? size : sizeof buf - 1;
    memcpy(buf, data, n);
    buf[n] = '\0';
    tl_typo_verdict v;
    tl_typo_check(p, buf, &v);
    char out[512];
    tl_typo_explain(&v, out, sizeof out);
    if (v.is_typo && !v.intended[0])
        __builtin_trap();
    return 0;
}
