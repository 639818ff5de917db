/*
 * fuzz_office.c - libFuzzer harness of the Office Open XML and
 * OpenDocument extractor (office.c: the zip through libarchive, the XML
 * through libxml2): docx, xlsx, pptx, odt, ods, odp.  The input is read
 * as the type it sniffs as, or else as the one its length picks; the
 * invariants of fuzz_extract.h.
 */
#include "tests/fuzz/fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const tl_filetype office[] = { TL_FT_DOCX, TL_FT_XLSX, TL_FT_PPTX, TL_FT_ODT, TL_FT_ODS, TL_FT_ODP };
    tl_filetype t = tl_sniff_type(data, size);
    if (t < TL_FT_DOCX || t > TL_FT_ODP)
        t = office[size % G_N_ELEMENTS(office)];
    fuzz_extract(t, data, size);
    return 0;
}
