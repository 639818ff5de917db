/* check_mark.c - placeholder while the detector family is written */
#include "tl_test.h"

Suite *
suite_mark(void)
{
    return suite_create("mark");
}
