/*
 * fuzz_rtf.c - libFuzzer harness of the attachment extractor of
 * RTF (rtf.c, the bounded reader of the project); the invariants of fuzz_extract.h.
 */
#include "tests/fuzz/fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_extract(TL_FT_RTF, data, size);
    return 0;
}
