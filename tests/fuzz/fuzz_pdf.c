/*
 * fuzz_pdf.c - libFuzzer harness of the attachment extractor of
 * PDF files (poppler-glib): text per page, images listed, the page and time limits; the invariants of fuzz_extract.h.
 */
#include "tests/fuzz/fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_extract(TL_FT_PDF, data, size);
    return 0;
}
