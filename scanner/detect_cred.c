/* detect_cred.c - placeholder while the family is written */
#include "detect.h"

const tl_pattern tl_patterns_cred[] = { { 0, NULL, 0 } };

int
tl_cand_cred(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    (void)d, (void)p, (void)h, (void)c;
    return 0;
}
