/*
 * fuzz_image.c - libFuzzer harness of the image metadata reader
 * (image.c: JPEG and TIFF EXIF through libexif, PNG chunks with eXIf and
 * XMP, GIF): the input is read as the type it sniffs as, or else as the
 * one its length picks; the invariants of fuzz_extract.h.
 */
#include "tests/fuzz/fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const tl_filetype image[] = { TL_FT_JPEG, TL_FT_PNG, TL_FT_GIF, TL_FT_TIFF };
    tl_filetype t = tl_sniff_type(data, size);
    if (t < TL_FT_JPEG || t > TL_FT_TIFF)
        t = image[size % G_N_ELEMENTS(image)];
    fuzz_extract(t, data, size);
    return 0;
}
