/*
 * fuzz_cal.c - libFuzzer harness of the iCalendar and vCard extractor
 * (cal.c, libical): the input is read as the type it sniffs as, or else
 * as the one its length picks; the invariants of fuzz_extract.h.
 */
#include "tests/fuzz/fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_filetype t = tl_sniff_type(data, size);
    if (t != TL_FT_ICS && t != TL_FT_VCF)
        t = size % 2 ? TL_FT_ICS : TL_FT_VCF;
    fuzz_extract(t, data, size);
    return 0;
}
