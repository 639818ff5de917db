/*
 * fuzz_tnef.c - libFuzzer harness of the attachment extractor of
 * TNEF winmail.dat attachments (tnef.c over the project's reader, tl_outlook_tnef_content): body, attachments as children; the invariants of fuzz_extract.h.
 */
#include "tests/fuzz/fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_extract(TL_FT_TNEF, data, size);
    return 0;
}
